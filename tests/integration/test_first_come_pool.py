"""Requests waiting for a database connection get one in their order of arrival: a connection given
back goes to the longest waiter, never to a request that asked after it (adapters/sql/first_come_pool.py)."""

import asyncio
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.util import greenlet_spawn
from sqlalchemy.util.queue import Empty

from adapters.sql.database import create_engine
from adapters.sql.first_come_pool import FirstComeQueue, FirstComeQueuePool

pytestmark = pytest.mark.anyio


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def engine(request: pytest.FixtureRequest) -> AsyncIterator[AsyncEngine]:
    url = request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "postgres_url")
    engine = create_engine(url, pool_size=1)
    yield engine
    await engine.dispose()


async def _waiting(queue: FirstComeQueue[object], count: int) -> None:
    """Until `count` requests wait for a connection (each turn of the loop lets one more arrive)."""
    for _ in range(100):
        if sum(not waiter.done() for waiter in queue._waiting) == count:
            return
        await asyncio.sleep(0)
    raise AssertionError(f"{count} waiters never queued")


async def test_the_engines_pool_serves_its_waiters_first_come(engine: AsyncEngine) -> None:
    assert isinstance(engine.pool, FirstComeQueuePool)


async def test_a_connection_given_back_goes_to_the_longest_waiter_not_to_the_next_asker(engine: AsyncEngine) -> None:
    queue: FirstComeQueue[object] = engine.pool._pool  # type: ignore[attr-defined]
    served: list[str] = []
    first = await engine.connect()
    await first.execute(text("SELECT 1"))

    async def waiter() -> None:
        async with engine.connect() as connection:
            served.append("waiter")
            await connection.execute(text("SELECT 1"))

    waiting = asyncio.create_task(waiter())
    await _waiting(queue, 1)
    await first.close()  # given back: the waiter's, though it has not run since
    async with engine.connect() as again:  # asked at once, by the request that gave it back
        served.append("asker")
        await again.execute(text("SELECT 1"))
    await waiting
    assert served == ["waiter", "asker"]


async def test_a_request_that_waits_too_long_is_refused_and_leaves_the_queue(sqlite_url: str) -> None:
    engine = create_engine(sqlite_url, pool_size=1)
    engine.pool._timeout = 0.05  # type: ignore[attr-defined]
    try:
        held = await engine.connect()
        await held.execute(text("SELECT 1"))
        with pytest.raises(PoolTimeout):
            await engine.connect()
        await held.close()
        async with engine.connect() as connection:  # the connection given back is free, not promised to the gone
            assert (await connection.execute(text("SELECT 1"))).scalar() == 1
    finally:
        await engine.dispose()


async def test_a_connection_handed_to_a_waiter_that_gives_up_goes_to_the_next_one() -> None:
    queue: FirstComeQueue[str] = FirstComeQueue(maxsize=1)
    first = asyncio.create_task(greenlet_spawn(queue.get, True, 5.0))
    second = asyncio.create_task(greenlet_spawn(queue.get, True, 5.0))
    await _waiting(queue, 2)  # type: ignore[arg-type]
    queue.put_nowait("connection")  # handed to the first waiter...
    first.cancel()  # ...which is cancelled before it could run
    assert await second == "connection"
    with pytest.raises(asyncio.CancelledError):
        await first
    assert queue.qsize() == 0


async def test_an_idle_connection_is_taken_at_once_and_none_refuses_without_waiting() -> None:
    queue: FirstComeQueue[str] = FirstComeQueue(maxsize=2, use_lifo=True)
    queue.put_nowait("older")
    queue.put_nowait("newer")
    assert await greenlet_spawn(queue.get, True, 5.0) == "newer"  # the most recently returned first
    assert queue.get_nowait() == "older"
    with pytest.raises(Empty):
        queue.get_nowait()
