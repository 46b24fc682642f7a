"""A pooled PostgreSQL connection is pinged before use only after it sat idle: one the database dropped
meanwhile (a restart, a failover, a proxy's idle timeout) is replaced before a request meets it, and a
busy pool pays no ping."""

import asyncio
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text
from sqlalchemy.dialects.postgresql.asyncpg import AsyncAdapt_asyncpg_connection
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sql.database import create_engine
from adapters.sql.idle_ping import IDLE_BEFORE_PING_SECONDS

pytestmark = [pytest.mark.anyio, pytest.mark.postgres, pytest.mark.app]


@pytest.fixture
async def engine(postgres_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(postgres_url)
    yield engine
    await engine.dispose()


@pytest.fixture
def pings(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    counted: list[int] = []
    original = AsyncAdapt_asyncpg_connection.ping

    def counting(self: AsyncAdapt_asyncpg_connection) -> None:
        counted.append(1)
        original(self)

    monkeypatch.setattr(AsyncAdapt_asyncpg_connection, "ping", counting)
    return counted


async def _backend_pid(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        return int((await connection.execute(text("SELECT pg_backend_pid()"))).scalar_one())


async def test_a_connection_the_database_dropped_while_it_idled_is_replaced_before_use(
    engine: AsyncEngine, postgres_url: str, pings: list[int]
) -> None:
    dropped = await _backend_pid(engine)
    killer = create_engine(postgres_url)
    async with killer.connect() as connection:
        await connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": dropped})
    await killer.dispose()
    await asyncio.sleep(IDLE_BEFORE_PING_SECONDS + 0.2)

    replacement = await _backend_pid(engine)

    assert replacement != dropped
    assert len(pings) == 1


async def test_a_connection_used_a_moment_ago_is_not_pinged(engine: AsyncEngine, pings: list[int]) -> None:
    first = await _backend_pid(engine)
    for _ in range(5):
        assert await _backend_pid(engine) == first

    assert pings == []
