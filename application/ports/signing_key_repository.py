from abc import abstractmethod
from datetime import datetime
from typing import Protocol

from domain.keys import SigningKeyRecord


class SigningKeyRepository(Protocol):
    """The shared key set, read by every replica."""

    @abstractmethod
    async def add(self, record: SigningKeyRecord) -> None: ...

    @abstractmethod
    async def add_first(self, record: SigningKeyRecord) -> bool:
        """Add the record only if no key at all is stored (withdrawn ones count); True if it was added.

        Atomic: of replicas starting together on an empty key set, exactly one adds the first key."""

    @abstractmethod
    async def all(self) -> list[SigningKeyRecord]:
        """Every key ever made, oldest first."""

    @abstractmethod
    async def withdraw(self, kid: str, now: datetime) -> bool:
        """Mark the key withdrawn; False if there is no such key or it already was."""
