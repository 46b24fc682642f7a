"""Units of work take the database's connections in the order they asked for them: one that waits is
never passed by later ones, however many keep coming (SQLite keeps one connection a process,
PostgreSQL `POSTGRES_POOL_SIZE`)."""

import asyncio
import itertools
import uuid

import pytest

from adapters.sql.database import create_engine, session_factory
from adapters.sql.sql_unit_of_work import SqlUnitOfWork
from tests.support.builders import a_user

pytestmark = pytest.mark.anyio

TASKS = 24
ROUNDS = 8


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> str:
    return str(request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "clean_postgres_url"))


async def test_a_unit_of_work_is_passed_by_fewer_later_ones_than_there_are_connections(database_url: str) -> None:
    """Every task asks again as soon as its last unit of work is over (the way a busy server's requests
    follow each other): the task whose unit of work just gave its connection back must not take it again
    ahead of one already waiting."""
    engine = create_engine(database_url)
    sessions = session_factory(engine)
    connections = engine.pool.size()  # type: ignore[attr-defined]
    asked = itertools.count()
    served: list[int] = []

    async def task() -> None:
        for _ in range(ROUNDS):
            turn = next(asked)
            async with SqlUnitOfWork(sessions) as uow:
                await uow.users.get(uuid.uuid4())  # the connection is taken by the first statement
                served.append(turn)
                await uow.users.add(a_user(f"{uuid.uuid4().hex}@example.com"))
                await uow.commit()

    try:
        await asyncio.gather(*(task() for _ in range(TASKS)))
        async with SqlUnitOfWork(sessions) as uow:
            stored = len(await uow.users.page(limit=TASKS * ROUNDS + 1, offset=0))
    finally:
        await engine.dispose()

    assert sorted(served) == list(range(TASKS * ROUNDS))
    passed_by = [sum(later > turn for later in served[:position]) for position, turn in enumerate(served)]
    assert max(passed_by) < connections, f"passed by up to {max(passed_by)} later units of work"
    assert stored == TASKS * ROUNDS
