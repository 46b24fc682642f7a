"""Units of work take the database's connections in the order they asked for them: one that waits is
never passed by later ones, however many keep coming (SQLite keeps one connection a process,
PostgreSQL `POSTGRES_POOL_SIZE`)."""

import asyncio
import itertools
import uuid
from contextvars import ContextVar
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from adapters.sql.database import create_engine, session_factory
from adapters.sql.sql_unit_of_work import SqlUnitOfWork
from tests.support.builders import a_user

pytestmark = [pytest.mark.anyio, pytest.mark.app]

TASKS = 24
ROUNDS = 8


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> str:
    return str(request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "clean_postgres_url"))


async def _open_every_connection(sessions: async_sessionmaker[AsyncSession], connections: int) -> None:
    """The pool's connections opened beforehand: one being opened would let later units of work pass on the
    others meanwhile, whatever the order of the turns."""

    async def one(opened: asyncio.Barrier) -> None:
        async with sessions() as session:
            await session.execute(text("SELECT 1"))
            await opened.wait()  # each holds its connection until all are open

    opened = asyncio.Barrier(connections)
    await asyncio.gather(*(one(opened) for _ in range(connections)))


async def test_a_unit_of_work_is_passed_by_fewer_later_ones_than_there_are_connections(database_url: str) -> None:
    """Every task asks again as soon as its last unit of work is over (the way a busy server's requests
    follow each other): the task whose unit of work just gave its connection back must not take it again
    ahead of one already waiting. Counted where each unit of work gets its connection from the pool."""
    engine = create_engine(database_url)
    sessions = session_factory(engine)
    connections = engine.pool.size()  # type: ignore[attr-defined]
    asked = itertools.count()
    served: list[int] = []
    turn_of: ContextVar[int | None] = ContextVar("turn_of", default=None)

    @event.listens_for(engine.sync_engine.pool, "checkout")
    def _checked_out(*_: Any) -> None:
        turn = turn_of.get()
        if turn is not None:
            served.append(turn)

    async def task() -> None:
        for _ in range(ROUNDS):
            turn_of.set(next(asked))
            async with SqlUnitOfWork(sessions) as uow:
                await uow.users.get(uuid.uuid4())  # the connection is taken by the first statement
                await uow.users.add(a_user(f"{uuid.uuid4().hex}@example.com"))
                await uow.commit()
        turn_of.set(None)

    try:
        await _open_every_connection(sessions, connections)
        await asyncio.gather(*(task() for _ in range(TASKS)))
        async with SqlUnitOfWork(sessions) as uow:
            stored = len(await uow.users.page(limit=TASKS * ROUNDS + 1, offset=0))
    finally:
        await engine.dispose()

    assert sorted(served) == list(range(TASKS * ROUNDS))
    passed_by = [sum(later > turn for later in served[:position]) for position, turn in enumerate(served)]
    assert max(passed_by) < connections, f"passed by up to {max(passed_by)} later units of work"
    assert stored == TASKS * ROUNDS
