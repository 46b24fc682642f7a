from collections import OrderedDict
from collections.abc import Iterable
from uuid import UUID

from application.ports.profile_cache import ProfileCache
from application.results import Profile

DEFAULT_MAX_PROFILES = 50_000
"""A few hundred bytes each: some 20 MiB at most, whatever the number of users."""


class LruProfileCache(ProfileCache):
    """At most `max_profiles` profiles, the least recently used forgotten first."""

    def __init__(self, max_profiles: int = DEFAULT_MAX_PROFILES) -> None:
        if max_profiles < 1:
            raise ValueError("max_profiles must be at least 1")
        self._max = max_profiles
        self._profiles: OrderedDict[UUID, Profile] = OrderedDict()
        self._generation = 0

    def get(self, user_id: UUID) -> Profile | None:
        profile = self._profiles.get(user_id)
        if profile is not None:
            self._profiles.move_to_end(user_id)
        return profile

    @property
    def generation(self) -> int:
        return self._generation

    def put(self, profile: Profile, generation: int) -> None:
        if generation != self._generation:
            return
        self._profiles[profile.id] = profile
        self._profiles.move_to_end(profile.id)
        if len(self._profiles) > self._max:
            self._profiles.popitem(last=False)

    def evict(self, user_ids: Iterable[UUID]) -> None:
        self._generation += 1
        for user_id in user_ids:
            self._profiles.pop(user_id, None)

    def __len__(self) -> int:
        return len(self._profiles)
