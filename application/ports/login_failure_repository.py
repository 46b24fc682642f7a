from abc import abstractmethod
from collections.abc import Collection
from datetime import datetime, timedelta
from typing import Protocol

from domain.throttling import FailureCount


class LoginFailureRepository(Protocol):
    """Throttling counters by key (failed logins, registrations), shared by every replica."""

    @abstractmethod
    async def get(self, key: str) -> FailureCount | None: ...

    async def get_many(self, keys: Collection[str]) -> dict[str, FailureCount]:
        """The counts of those of `keys` that have one. One look-up each here; an adapter that can read
        them in one query does (a login asks for up to three)."""
        found = {key: await self.get(key) for key in keys}
        return {key: count for key, count in found.items() if count is not None}

    @abstractmethod
    async def record(self, key: str, now: datetime, window: timedelta) -> FailureCount:
        """Count one attempt, atomically, and return the count: a new window starts at `now` if none is open."""

    @abstractmethod
    async def clear(self, key: str) -> None: ...

    @abstractmethod
    async def purge(self, now: datetime, window: timedelta, batch_size: int) -> int:
        """Delete at most `batch_size` counters whose window has ended; the number deleted."""
