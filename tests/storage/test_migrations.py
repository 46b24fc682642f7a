"""The Alembic migrations build the schema the SQL models describe (PostgreSQL) and carry old rows forward."""

import asyncio
import sqlite3
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from advanced_alchemy.alembic.commands import AlembicCommands
from advanced_alchemy.base import metadata_registry
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from adapters.sql.database import (
    VERSION_TABLE,
    create_engine,
    database_config,
    pending_migrations,
    session_factory,
    upgrade_schema,
)
from adapters.sql.sql_unit_of_work import SqlUnitOfWork
from domain.sessions import Session

pytestmark = pytest.mark.app


@pytest.mark.postgres
def test_the_migrated_postgres_schema_matches_the_models(postgres_url: str) -> None:
    async def differences() -> list[object]:
        engine = create_engine(postgres_url)
        async with engine.connect() as connection:
            found = await connection.run_sync(
                lambda sync: compare_metadata(
                    MigrationContext.configure(sync, opts={"compare_type": True, "version_table": VERSION_TABLE}),
                    metadata_registry.get(None),
                )
            )
        await engine.dispose()
        return [change for change in found if not _is_version_table(change)]

    assert asyncio.run(differences()) == []
    assert pending_migrations(postgres_url) is None


def _is_version_table(change: object) -> bool:
    return isinstance(change, tuple) and change[0] == "remove_table" and change[1].name == VERSION_TABLE


def test_sessions_opened_before_lifetimes_existed_end_30_days_after_they_were_opened(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'old.db'}"
    AlembicCommands(sqlalchemy_config=database_config(url)).upgrade("0006")
    opened = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    user_id, session_id = uuid.uuid4(), uuid.uuid4()

    async def stored() -> Session | None:
        engine = create_engine(url)
        async with SqlUnitOfWork(session_factory(engine)) as uow:
            session = await uow.sessions.get(session_id)
        await engine.dispose()
        return session

    with sqlite3.connect(tmp_path / "old.db") as db:
        db.execute(
            "INSERT INTO users (id, email, password_hash, roles, created_at) VALUES (?, 'a@example.com', 'x', '[]', ?)",
            (user_id.bytes, "2026-01-01 12:00:00.000000"),
        )
        db.execute(
            "INSERT INTO sessions (id, user_id, created_at, last_used_at) VALUES (?, ?, ?, ?)",
            (session_id.bytes, user_id.bytes, "2026-01-01 12:00:00.000000", "2026-01-01 12:00:00.000000"),
        )
    upgrade_schema(url)

    session = asyncio.run(stored())
    assert session is not None
    assert (session.expires_at, session.remember) == (opened + timedelta(days=30), True)


@pytest.mark.postgres
def test_a_replica_of_the_previous_release_still_opens_sessions_on_the_new_schema(clean_postgres_url: str) -> None:
    """Rolling upgrades need additive migrations: the previous release inserts sessions knowing neither
    `expires_at` nor `remember`, and they get the default lifetime."""
    from sqlalchemy import text

    user_id, session_id = uuid.uuid4(), uuid.uuid4()
    opened = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)

    async def insert_as_the_previous_release() -> tuple[object, object]:
        engine = create_engine(clean_postgres_url)
        async with engine.begin() as connection:
            await connection.execute(
                text(
                    "INSERT INTO users (id, email, password_hash, roles, created_at) "
                    "VALUES (:id, 'old@example.com', 'x', '[]', :at)"
                ),
                {"id": user_id, "at": opened},
            )
            await connection.execute(
                text("INSERT INTO sessions (id, user_id, created_at, last_used_at) VALUES (:id, :user, :at, :at)"),
                {"id": session_id, "user": user_id, "at": opened},
            )
            row = (
                await connection.execute(
                    text("SELECT expires_at, remember FROM sessions WHERE id = :id"), {"id": session_id}
                )
            ).one()
        await engine.dispose()
        return row[0], row[1]

    assert asyncio.run(insert_as_the_previous_release()) == (opened + timedelta(days=30), True)


def test_users_stored_before_legacy_ids_existed_read_back_without_one_and_old_inserts_still_work(
    tmp_path: Path,
) -> None:
    """0009 is additive: users of before have no legacy id, and the previous release's inserts, which
    name no legacy id, do not clash with each other under the unique index."""
    from domain.users import User

    url = f"sqlite+aiosqlite:///{tmp_path / 'old.db'}"
    AlembicCommands(sqlalchemy_config=database_config(url)).upgrade("0008")
    user_ids = [uuid.uuid4(), uuid.uuid4(), uuid.uuid4()]
    insert = "INSERT INTO users (id, email, password_hash, roles, created_at) VALUES (?, ?, 'x', '[]', ?)"
    with sqlite3.connect(tmp_path / "old.db") as db:
        db.execute(insert, (user_ids[0].bytes, "before@example.com", "2026-01-01 12:00:00.000000"))
    upgrade_schema(url)
    with sqlite3.connect(tmp_path / "old.db") as db:
        for n, user_id in enumerate(user_ids[1:]):
            db.execute(insert, (user_id.bytes, f"old-release-{n}@example.com", "2026-01-01 12:00:00.000000"))

    async def stored() -> list[User | None]:
        engine = create_engine(url)
        async with SqlUnitOfWork(session_factory(engine)) as uow:
            users = [await uow.users.get(user_id) for user_id in user_ids]
        await engine.dispose()
        return users

    users = asyncio.run(stored())
    assert [user.legacy_id if user else "missing" for user in users] == [None, None, None]


@pytest.mark.postgres
def test_a_replica_of_the_previous_release_still_stores_users_on_the_schema_with_legacy_ids_and_usernames(
    clean_postgres_url: str,
) -> None:
    """0009–0011 are additive: the previous release inserts and updates users naming none of `legacy_id`,
    `imported_hash_digest` or `username`; its users read back without them and never clash."""
    from sqlalchemy import text

    from domain.users import User

    user_ids = [uuid.uuid4(), uuid.uuid4()]
    at = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)

    async def as_the_previous_release_then_read() -> list[User | None]:
        engine = create_engine(clean_postgres_url)
        async with engine.begin() as connection:
            for n, user_id in enumerate(user_ids):
                await connection.execute(
                    text(
                        "INSERT INTO users (id, email, password_hash, roles, created_at) "
                        "VALUES (:id, :email, 'x', '[]', :at)"
                    ),
                    {"id": user_id, "email": f"old-{n}@example.com", "at": at},
                )
            await connection.execute(text("UPDATE users SET display_name = 'Old' WHERE id = :id"), {"id": user_ids[0]})
        async with SqlUnitOfWork(session_factory(engine)) as uow:
            users = [await uow.users.get(user_id) for user_id in user_ids]
        await engine.dispose()
        return users

    users = asyncio.run(as_the_previous_release_then_read())
    assert [(u.legacy_id, u.username, u.imported_hash_digest) if u else "missing" for u in users] == [
        (None, None, None),
        (None, None, None),
    ]
