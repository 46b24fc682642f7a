from abc import abstractmethod
from typing import Protocol
from uuid import UUID


class TokenGenerator(Protocol):
    """Every id and every secret the use cases need, so that tests can make them predictable."""

    @abstractmethod
    def new_id(self) -> UUID: ...

    @abstractmethod
    def new_refresh_token(self) -> str:
        """An opaque, URL-safe secret of at least 256 random bits."""
