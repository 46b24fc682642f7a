from abc import abstractmethod
from typing import Protocol


class PasswordHasher(Protocol):
    """Slow, salted password hashing. Implementations never block the event loop."""

    @abstractmethod
    async def hash(self, password: str) -> str: ...

    @abstractmethod
    async def verify(self, password_hash: str, password: str) -> bool:
        """Whether `password` is the one the hash was made from: tessera's own hashes, and those imported
        in any of `domain.password_hashes.HashFormat` within their bounds, in constant time. False for
        `NO_PASSWORD`. A failure takes as long as the slowest kind of verification the hasher has seen,
        so that it does not tell which kind of account (if any) the password was tried against."""

    @abstractmethod
    def needs_rehash(self, password_hash: str) -> bool:
        """True if the hash was made with other parameters, or another algorithm, than those now configured:
        the login that verified it stores a new hash."""

    @abstractmethod
    async def verify_dummy(self, password: str) -> None:
        """Spend the time of a failed verification, so that an unknown email answers as slowly as a wrong password
        of any stored user, imported ones included."""
