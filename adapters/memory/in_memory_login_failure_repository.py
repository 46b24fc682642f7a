from datetime import datetime, timedelta

from adapters.memory.in_memory_store import InMemoryTables
from application.ports.login_failure_repository import LoginFailureRepository
from domain.throttling import FailureCount


class InMemoryLoginFailureRepository(LoginFailureRepository):
    def __init__(self, tables: InMemoryTables) -> None:
        self._tables = tables

    async def get(self, key: str) -> FailureCount | None:
        return self._tables.login_failures.get(key)

    async def record(self, key: str, now: datetime, window: timedelta) -> FailureCount:
        current = self._tables.login_failures.get(key)
        if current is None or now >= current.window_started_at + window:
            counted = FailureCount(1, now)
        else:
            counted = FailureCount(current.failures + 1, current.window_started_at)
        self._tables.login_failures[key] = counted
        return counted

    async def clear(self, key: str) -> None:
        self._tables.login_failures.pop(key, None)

    async def purge(self, now: datetime, window: timedelta, batch_size: int) -> int:
        failures = self._tables.login_failures
        ended = [key for key, count in failures.items() if count.window_started_at + window <= now][:batch_size]
        for key in ended:
            del failures[key]
        return len(ended)
