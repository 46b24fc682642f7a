from abc import abstractmethod
from typing import Protocol


class StorageHealth(Protocol):
    @abstractmethod
    async def reachable(self) -> bool:
        """True if the shared store answers a trivial query now, within a short timeout."""
