"""`UnitOfWork.without_transaction` on the SQL adapter: PostgreSQL runs the block's statements in
autocommit (no BEGIN, no COMMIT: two round trips fewer), SQLite keeps its transaction. The observable
difference: on PostgreSQL another connection sees the write as soon as it is sent."""

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sql.database import create_engine, session_factory
from adapters.sql.sql_unit_of_work import SqlUnitOfWork
from tests.support.builders import a_user

pytestmark = [pytest.mark.anyio, pytest.mark.app]


async def _users_seen_by_another_connection(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        return int(await connection.scalar(text("SELECT count(*) FROM users")) or 0)


@pytest.mark.postgres
async def test_on_postgresql_a_block_without_transaction_stores_its_write_as_it_is_sent(
    clean_postgres_url: str,
) -> None:
    engine = create_engine(clean_postgres_url)
    try:
        uow = SqlUnitOfWork(session_factory(engine))
        async with uow.without_transaction():
            await uow.users.add(a_user())
            assert await _users_seen_by_another_connection(engine) == 1, "stored without a COMMIT"
            await uow.commit()
        assert await _users_seen_by_another_connection(engine) == 1
    finally:
        await engine.dispose()


async def test_on_sqlite_a_block_without_transaction_keeps_its_transaction(sqlite_url: str) -> None:
    """SQLite's writers take the write lock with BEGIN IMMEDIATE: the declaration changes nothing there."""
    engine = create_engine(sqlite_url)
    try:
        uow = SqlUnitOfWork(session_factory(engine))
        async with uow.without_transaction():
            await uow.users.add(a_user())
        assert await _users_seen_by_another_connection(engine) == 0, "rolled back, never committed"
    finally:
        await engine.dispose()
