from abc import abstractmethod
from collections.abc import Iterable
from typing import Protocol
from uuid import UUID

from application.results import Profile


class ProfileCache(Protocol):
    """This process's bounded memory of user profiles, so that a profile request needs no database.

    A profile read from storage is kept only if its user was not evicted while it was read (since
    `generation` was read): otherwise a profile read before a change could outlive the eviction that
    the change announced. An eviction of other users does not refuse it: a poll or a change elsewhere
    costs this user nothing.
    """

    @abstractmethod
    def get(self, user_id: UUID) -> Profile | None: ...

    @property
    @abstractmethod
    def generation(self) -> int:
        """A number that changes on every eviction."""

    @abstractmethod
    def put(self, profile: Profile, generation: int) -> None:
        """Remember the profile, unless its user was evicted since `generation` was read. (An
        implementation may refuse more, never less.)"""

    @abstractmethod
    def evict(self, user_ids: Iterable[UUID]) -> None: ...
