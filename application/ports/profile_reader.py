from abc import abstractmethod
from typing import Protocol
from uuid import UUID

from application.results import Profile


class ProfileReader(Protocol):
    """One user's profile as committed, read on its own: no unit of work, no lock, one statement.

    For reads that decide nothing (a profile shown to its owner): whatever needs a consistent view of
    several rows, or a lock, reads through the unit of work instead."""

    @abstractmethod
    async def read(self, user_id: UUID) -> Profile | None:
        """The profile with every claim stored for the user (the caller filters them); None if there is
        no such user. `StorageUnavailable` if storage cannot be reached."""
