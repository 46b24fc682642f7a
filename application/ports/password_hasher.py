from abc import abstractmethod
from typing import Protocol


class PasswordHasher(Protocol):
    """Slow, salted password hashing. Implementations never block the event loop."""

    @abstractmethod
    async def hash(self, password: str) -> str: ...

    @abstractmethod
    async def verify(self, password_hash: str, password: str) -> bool: ...

    @abstractmethod
    def needs_rehash(self, password_hash: str) -> bool:
        """True if the hash was made with other parameters than those now configured."""

    @abstractmethod
    async def verify_dummy(self, password: str) -> None:
        """Spend the time of a real verification, so that an unknown email answers as slowly as a wrong password."""
