from abc import abstractmethod
from typing import Protocol

from domain.legacy_sessions import LegacySession


class LegacySessions(Protocol):
    """The session store of the application being migrated, read only to exchange its sessions.

    Unreachable storage raises `StorageUnavailable`, having changed nothing.
    """

    @abstractmethod
    async def take(self, session_id: str) -> LegacySession | None:
        """Load the session AND delete it, in one atomic step: of any number of concurrent calls
        for one id, exactly one receives the session. None if there is no such session, if it has
        expired (an expired one is removed too), or if its value is not a session object."""

    @abstractmethod
    async def restore(self, session: LegacySession) -> None:
        """Put back a session that was taken but could not be exchanged, with the value and expiry
        it had, unless its id has meanwhile been stored again (the newer value is kept)."""
