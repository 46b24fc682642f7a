from abc import abstractmethod
from collections.abc import Iterable
from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.sessions import Revocation


class RevocationView(Protocol):
    """This process's memory of revoked sessions, consulted on every protected request without I/O.

    An entry needs keeping only for the policy's revocation window after it was revoked: every
    access token of that session has expired by then.
    """

    @abstractmethod
    def add(self, revocations: Iterable[Revocation]) -> None: ...

    @abstractmethod
    def is_revoked(self, session_id: UUID, now: datetime) -> bool: ...

    @abstractmethod
    def size(self) -> int:
        """How many revocations are remembered now."""
