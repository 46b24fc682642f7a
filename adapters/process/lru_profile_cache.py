from collections import OrderedDict
from collections.abc import Iterable
from uuid import UUID

from application.ports.profile_cache import ProfileCache
from application.results import Profile

DEFAULT_MAX_PROFILES = 50_000
"""A few hundred bytes each: some 20 MiB at most, whatever the number of users."""
EVICTIONS_REMEMBERED = 10_000
"""Users whose last eviction is remembered one by one (some 1 MiB): more than any poll or change brings at once."""


class LruProfileCache(ProfileCache):
    """At most `max_profiles` profiles, the least recently used forgotten first.

    Each eviction takes the next generation and is remembered against its users, so that a put is
    refused only when ITS user was evicted after the put's generation was read: a change of one user
    costs no other user's profile. Past `evictions_remembered` users, the oldest are forgotten one by
    one and their generations folded into one floor, below which every put is refused, as if all
    users had been evicted then: never a stale profile kept, at worst a fresh one read again."""

    def __init__(self, max_profiles: int = DEFAULT_MAX_PROFILES, evictions_remembered: int = EVICTIONS_REMEMBERED):
        if max_profiles < 1:
            raise ValueError("max_profiles must be at least 1")
        if evictions_remembered < 1:
            raise ValueError("evictions_remembered must be at least 1")
        self._max = max_profiles
        self._profiles: OrderedDict[UUID, Profile] = OrderedDict()
        self._generation = 0
        self._remembered = evictions_remembered
        self._evicted: OrderedDict[UUID, int] = OrderedDict()
        """Each recently evicted user, and the generation of their last eviction."""
        self._floor = 0
        """The newest generation among the evictions no longer remembered one by one."""

    def get(self, user_id: UUID) -> Profile | None:
        profile = self._profiles.get(user_id)
        if profile is not None:
            self._profiles.move_to_end(user_id)
        return profile

    @property
    def generation(self) -> int:
        return self._generation

    def put(self, profile: Profile, generation: int) -> None:
        if generation < self._floor or generation < self._evicted.get(profile.id, 0):
            return  # read before an eviction of this user (or one no longer told apart): it may be stale
        self._profiles[profile.id] = profile
        self._profiles.move_to_end(profile.id)
        if len(self._profiles) > self._max:
            self._profiles.popitem(last=False)

    def evict(self, user_ids: Iterable[UUID]) -> None:
        self._generation += 1
        for user_id in user_ids:
            self._profiles.pop(user_id, None)
            self._evicted[user_id] = self._generation
            self._evicted.move_to_end(user_id)
        while len(self._evicted) > self._remembered:
            _, generation = self._evicted.popitem(last=False)
            self._floor = max(self._floor, generation)

    def __len__(self) -> int:
        return len(self._profiles)
