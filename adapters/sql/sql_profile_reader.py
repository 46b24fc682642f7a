"""Profiles by primary key, read straight from the driver on a pooled connection: no ORM session, no
transaction, and concurrent misses coalesced into one statement (`ReadBatches`).

A profile request that missed the cache paid for a whole unit of work: a session, the greenlet bridge
for each step, BEGIN (IMMEDIATE on SQLite, so the write lock), the SELECT and ROLLBACK, each a thread
hop on aiosqlite or a round trip on PostgreSQL, and an ORM object built and mapped. Here a statement
is compiled once for each batch size, for the engine's dialect, with the columns' own conversions, and
sent to the driver on a connection taken from the pool: one thread hop on SQLite (its reader engine
resets nothing on return, `create_sqlite_reader_engine`), one round trip on PostgreSQL (asyncpg keeps
it prepared, and a connection that began no transaction has nothing to roll back)."""

import sqlite3
from collections.abc import Callable, Collection
from functools import cache
from typing import Any
from uuid import UUID

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.util import greenlet_spawn

from adapters.sql.models import UserRow
from adapters.sql.read_batches import ReadBatches
from adapters.sql.sql_unit_of_work import is_unreachable
from application.errors import StorageUnavailable
from application.ports.profile_reader import ProfileReader
from application.results import Profile
from domain.custom_claims import CustomClaims

MOST_A_STATEMENT = 64
"""Users read by one statement at most (SQLite allows 32,766 parameters; a batch this big is rare)."""
_COLUMNS = (UserRow.id, UserRow.email, UserRow.display_name, UserRow.roles, UserRow.created_at, UserRow.claims)
Convert = Callable[[Any], Any]


class SqlProfileReader(ProfileReader):
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        dialect = engine.dialect
        self._sql = cache(
            lambda n: (
                select(*_COLUMNS)
                .where(UserRow.id.in_([bindparam(f"id{i}") for i in range(n)]))
                .compile(dialect=dialect)
                .string
            )
        )
        self._bind = _converter(UserRow.id.type.dialect_impl(dialect).bind_processor(dialect))
        self._results = [
            _converter(column.type.dialect_impl(dialect).result_processor(dialect, None)) for column in _COLUMNS
        ]
        self._sqlite = dialect.name == "sqlite"
        self._batches = ReadBatches(self._read_many, MOST_A_STATEMENT)

    async def read(self, user_id: UUID) -> Profile | None:
        return await self._batches.get(user_id)

    async def _read_many(self, user_ids: Collection[UUID]) -> dict[UUID, Profile]:
        sql, parameters = self._sql(len(user_ids)), [self._bind(user_id) for user_id in user_ids]
        try:
            connection = await self._engine.raw_connection()
            try:
                driver: Any = connection.driver_connection
                # aiosqlite: one hop to its thread, the connection in autocommit (a read transaction of the
                # statement's own, never the write lock); asyncpg: one round trip.
                rows = await (
                    driver.execute_fetchall(sql, parameters) if self._sqlite else driver.fetch(sql, *parameters)
                )
            finally:
                # Back to the pool; its reset on return (PostgreSQL's) may need the greenlet bridge.
                await greenlet_spawn(connection.close)
        except Exception as error:
            if isinstance(error, sqlite3.OperationalError) or is_unreachable(error):
                raise StorageUnavailable from error
            raise
        profiles = (self._profile([convert(v) for convert, v in zip(self._results, row, strict=True)]) for row in rows)
        return {profile.id: profile for profile in profiles}

    @staticmethod
    def _profile(values: list[Any]) -> Profile:
        user_id, email, display_name, roles, created_at, claims = values
        return Profile(user_id, email, display_name, tuple(roles), created_at, CustomClaims(claims))


def _converter(processor: Convert | None) -> Convert:
    return processor if processor is not None else _as_is


def _as_is(value: Any) -> Any:
    return value
