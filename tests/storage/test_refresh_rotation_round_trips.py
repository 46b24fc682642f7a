"""The common refresh on SQL, through the composition root's objects: on PostgreSQL one statement sent on its
own (one round trip, no BEGIN nor COMMIT), behind a transaction pooler that statement in a transaction; on
SQLite its four statements in one transaction. Either way the rotation waits for its turn at the connections
(`ConnectionTurns`) like any unit of work."""

import asyncio
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from dishka import AsyncContainer
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from adapters.sql.database import create_engine, session_factory
from adapters.sql.postgres_pooler import STATEMENTS_IN_TRANSACTIONS
from adapters.sql.sql_refresh_rotations import sql_refresh_rotations
from adapters.sql.sql_unit_of_work import SqlUnitOfWork
from application.errors import StorageUnavailable
from application.ports.refresh_rotations import RefreshRotations
from application.use_cases.log_in import Credentials, LogIn
from application.use_cases.refresh_session import RefreshSession
from application.use_cases.register_user import RegisterUser, Registration
from deploy.ports import free_port
from domain.rotation import PlannedRotation
from domain.sessions import hash_refresh_token
from entrypoints.ioc.container import build_container
from tests.support.builders import T0, a_refresh_token, a_session, a_user
from tests.support.http import settings_for_tests

pytestmark = [pytest.mark.anyio, pytest.mark.app]

Sent = list[tuple[str, bool]]
"""Each statement the driver sent, and whether its connection was in autocommit (no BEGIN before it)."""


@contextmanager
def _sent(engine: AsyncEngine) -> Iterator[Sent]:
    sent: Sent = []

    def before(connection: Any, cursor: Any, statement: str, *_: object) -> None:
        autocommit = bool(getattr(connection.connection.dbapi_connection, "autocommit", False))
        sent.append((statement.split(None, 1)[0].upper(), autocommit))

    event.listen(engine.sync_engine, "before_cursor_execute", before)
    try:
        yield sent
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", before)


async def _logged_in(container: AsyncContainer) -> str:
    async with container() as request:
        await (await request.get(RegisterUser)).execute(Registration("ada@example.com", "correct horse battery"))
    async with container() as request:
        return (
            await (await request.get(LogIn)).execute(Credentials("ada@example.com", "correct horse battery"))
        ).refresh_token


async def _refreshed_statements(url: str, tmp_path: Path) -> Sent:
    container = build_container(settings_for_tests(url, tmp_path))
    try:
        token = await _logged_in(container)
        engine = await container.get(AsyncEngine)
        with _sent(engine) as sent:
            async with container() as request:
                pair = await (await request.get(RefreshSession)).execute(token)
        assert pair.refresh_token != token
        async with container() as request:  # the successor is live: it rotates in turn
            await (await request.get(RefreshSession)).execute(pair.refresh_token)
        return sent
    finally:
        await container.close()


@pytest.mark.postgres
async def test_on_postgresql_a_common_refresh_is_one_statement_sent_on_its_own(
    clean_postgres_url: str, tmp_path: Path
) -> None:
    assert await _refreshed_statements(clean_postgres_url, tmp_path) == [("WITH", True)]


async def test_on_sqlite_a_common_refresh_is_four_statements_in_one_transaction(
    sqlite_url: str, tmp_path: Path
) -> None:
    sent = await _refreshed_statements(sqlite_url, tmp_path)

    assert [statement for statement, _ in sent] == ["BEGIN", "UPDATE", "UPDATE", "INSERT", "SELECT"]


@pytest.mark.postgres
async def test_behind_a_transaction_pooler_the_rotations_statement_keeps_its_transaction(
    clean_postgres_url: str,
) -> None:
    engine = create_engine(clean_postgres_url)
    pooled = engine.execution_options(**{STATEMENTS_IN_TRANSACTIONS: True})
    sessions = session_factory(pooled)
    try:
        plan = await _stored_plan(sessions)
        with _sent(engine) as sent:
            assert await sql_refresh_rotations(pooled, sessions).rotate(plan) is not None
    finally:
        await engine.dispose()

    assert sent == [("WITH", False)]


async def _stored_plan(sessions: async_sessionmaker[AsyncSession]) -> PlannedRotation:
    user = a_user()
    session = a_session(user)
    token = a_refresh_token(session, "the-presented-secret")
    async with SqlUnitOfWork(sessions) as uow:
        await uow.users.add(user)
        await uow.sessions.add(session)
        await uow.sessions.add_refresh_token(token)
        await uow.commit()
    return PlannedRotation(token.token_hash, T0, uuid.uuid4(), hash_refresh_token("next"), token.expires_at, "5ea1ed")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> str:
    return str(request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "clean_postgres_url"))


async def test_a_rotation_waits_for_its_turn_at_the_connections(database_url: str) -> None:
    engine = create_engine(database_url)
    sessions = session_factory(engine)
    rotations: RefreshRotations = sql_refresh_rotations(engine, sessions)
    try:
        plan = await _stored_plan(sessions)
        holders = [SqlUnitOfWork(sessions) for _ in range(engine.pool.size())]  # type: ignore[attr-defined]
        for holder in holders:  # every turn taken
            await holder.__aenter__()
        with _sent(engine) as sent:
            rotation = asyncio.ensure_future(rotations.rotate(plan))
            for _ in range(20):
                await asyncio.sleep(0)
            assert not rotation.done() and sent == [], "the rotation went ahead of its turn"
            await holders[0].__aexit__(None, None, None)
            rotated = await rotation
        for holder in holders[1:]:
            await holder.__aexit__(None, None, None)
    finally:
        await engine.dispose()

    assert rotated is not None and sent


@pytest.mark.postgres
async def test_a_rotation_on_a_database_that_is_not_there_is_storage_unavailable_and_gives_its_turn_back() -> None:
    engine = create_engine(f"postgresql+asyncpg://tessera@127.0.0.1:{free_port()}/tessera")
    sessions = session_factory(engine)
    rotations = sql_refresh_rotations(engine, sessions)
    plan = PlannedRotation(hash_refresh_token("a"), T0, uuid.uuid4(), hash_refresh_token("b"), T0, "5ea1ed")
    try:
        for _ in range(engine.pool.size() + 1):  # type: ignore[attr-defined]  # a turn kept would block the last
            with pytest.raises(StorageUnavailable) as refused:
                await asyncio.wait_for(rotations.rotate(plan), timeout=30)
            assert not isinstance(refused.value.__cause__, TimeoutError), "refused for want of a turn"
    finally:
        await engine.dispose()
