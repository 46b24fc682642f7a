from abc import abstractmethod
from datetime import datetime
from typing import Protocol

from domain.keys import SigningKeyRecord


class KeyVault(Protocol):
    """Makes new signing keys and puts stored ones to use. Private keys leave it only sealed."""

    @abstractmethod
    def new_key(self, alg: str, now: datetime, signs_from: datetime) -> SigningKeyRecord: ...

    @abstractmethod
    def can_open(self, record: SigningKeyRecord) -> bool:
        """True if this vault's key-encryption key unseals the record's private key."""

    @abstractmethod
    def install(self, signing: SigningKeyRecord | None, published: list[SigningKeyRecord]) -> None:
        """Make this process sign with `signing` and verify with exactly the `published` keys."""
