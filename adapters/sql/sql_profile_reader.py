"""A profile by primary key in one statement on a pooled connection: no ORM session, no transaction.

A profile request that missed the cache paid for a whole unit of work: a session, the greenlet bridge
for each step, BEGIN (IMMEDIATE on SQLite, so the write lock), the SELECT and ROLLBACK, each a thread
hop on aiosqlite or a round trip on PostgreSQL, and an ORM object built and mapped. Here the statement
is compiled once, for the engine's dialect, with the columns' own conversions, and sent straight to the
driver on a connection taken from the pool: one thread hop on SQLite (its reader engine resets nothing
on return, `create_sqlite_reader_engine`), one round trip on PostgreSQL (asyncpg keeps it prepared, and
a connection that began no transaction has nothing to roll back)."""

import sqlite3
from collections.abc import Callable, Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.util import greenlet_spawn

from adapters.sql.models import UserRow
from adapters.sql.sql_unit_of_work import is_unreachable
from application.errors import StorageUnavailable
from application.ports.profile_reader import ProfileReader
from application.results import Profile
from domain.custom_claims import CustomClaims

_COLUMNS = (UserRow.email, UserRow.display_name, UserRow.roles, UserRow.created_at, UserRow.claims)
Convert = Callable[[Any], Any]


class SqlProfileReader(ProfileReader):
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        dialect = engine.dialect
        statement = select(*_COLUMNS).where(UserRow.id == bindparam("id"))
        self._sql = statement.compile(dialect=dialect).string
        self._bind = _converter(UserRow.id.type.dialect_impl(dialect).bind_processor(dialect))
        self._results = [
            _converter(column.type.dialect_impl(dialect).result_processor(dialect, None)) for column in _COLUMNS
        ]
        self._fetch = _fetch_sqlite if dialect.name == "sqlite" else _fetch_asyncpg

    async def read(self, user_id: UUID) -> Profile | None:
        try:
            connection = await self._engine.raw_connection()
            try:
                rows = await self._fetch(connection.driver_connection, self._sql, self._bind(user_id))
            finally:
                # Back to the pool; its reset on return (PostgreSQL's) may need the greenlet bridge.
                await greenlet_spawn(connection.close)
        except Exception as error:
            if isinstance(error, sqlite3.OperationalError) or is_unreachable(error):
                raise StorageUnavailable from error
            raise
        if not rows:
            return None
        email, display_name, roles, created_at, claims = (
            convert(value) for convert, value in zip(self._results, rows[0], strict=True)
        )
        return Profile(user_id, email, display_name, tuple(roles), created_at, CustomClaims(claims))


def _converter(processor: Convert | None) -> Convert:
    return processor if processor is not None else _as_is


def _as_is(value: Any) -> Any:
    return value


async def _fetch_sqlite(driver: Any, sql: str, user_id: Any) -> Sequence[Sequence[Any]]:
    """aiosqlite: one hop to its thread. The connection is in autocommit (no BEGIN is issued outside
    SQLAlchemy's transactions), so the SELECT is a read transaction of its own, never the write lock."""
    return list(await driver.execute_fetchall(sql, (user_id,)))


async def _fetch_asyncpg(driver: Any, sql: str, user_id: Any) -> Sequence[Sequence[Any]]:
    """asyncpg: one round trip, outside any transaction (an implicit one for the statement)."""
    return list(await driver.fetch(sql, user_id))
