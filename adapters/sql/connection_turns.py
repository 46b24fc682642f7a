"""Units of work take the pool's connections in the order they asked for them.

SQLAlchemy's asyncio pool gives a connection coming back to whoever asks next, not to whoever has waited
longest: a task that asks while a waiter is being woken takes it, and the woken waiter queues again at the
back. Under load a unit of work could so wait out the pool's timeout (a 503) while later ones passed it:
24 tasks of 8 units of work each, on SQLite's one connection, saw one unit of work passed by 182 later ones
(tests/storage/test_connection_turns.py). The turns are a semaphore as large as the pool, taken
before a unit of work may reach the pool: asyncio's semaphore lets no newcomer pass a waiter, so at most as
many units of work as there are connections ask the pool at a time, in the order they came."""

import asyncio
import contextlib
from collections.abc import AsyncIterator

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from application.errors import StorageUnavailable

TURNS = "tessera.connection_turns"
"""Where a session finds its engine's turns: in its `info`, set by `session_factory`."""


class ConnectionTurns:
    """As many turns as the engine keeps connections; a turn waited for longer than `timeout` seconds
    means the database is too slow to answer: `StorageUnavailable`, as the pool's own timeout would."""

    def __init__(self, connections: int, timeout: float) -> None:
        self._free = asyncio.Semaphore(connections)
        self._timeout = timeout

    @classmethod
    def of(cls, engine: AsyncEngine, timeout: float) -> "ConnectionTurns":
        return cls(engine.pool.size(), timeout)  # type: ignore[attr-defined]  # a QueuePool (database_config)

    async def take(self) -> None:
        if not self._free.locked():
            await self._free.acquire()  # free and nobody waiting: taken at once, without a timer
            return
        try:
            async with asyncio.timeout(self._timeout):
                await self._free.acquire()
        except TimeoutError as error:
            raise StorageUnavailable from error

    def give_back(self) -> None:
        self._free.release()


def turns_of(session: AsyncSession) -> ConnectionTurns:
    turns: ConnectionTurns = session.info[TURNS]
    return turns


@contextlib.asynccontextmanager
async def session_in_turn(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """A session once its turn came; the turn given back after the session closed (its connection back in
    the pool, for the next in turn)."""
    session = sessions()
    turns = turns_of(session)
    await turns.take()
    try:
        async with session:
            yield session
    finally:
        turns.give_back()
