"""`RefreshRotations` in SQL, with the statements of `rotation_statements`: one on PostgreSQL, four on SQLite.

On PostgreSQL the one statement is atomic by itself, so it runs on its own (autocommit): committed as it
completes, without the BEGIN and COMMIT round trips a transaction around it would cost (two of the three
a refresh made). Behind a transaction pooler it keeps its transaction (`statements_on_their_own`). SQLite's
four statements run in one transaction, which begins IMMEDIATE (`serialize_sqlite_writers`).

Either way the rotation is a session of its own that takes its turn at the connections (`ConnectionTurns`)
and ends as a unit of work's does (`end_session`): a lost database is `StorageUnavailable`."""

from abc import abstractmethod
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from adapters.sql.connection_turns import turns_of
from adapters.sql.postgres_pooler import statements_on_their_own
from adapters.sql.rotation_statements import (
    POSTGRES_ROTATION,
    rotate_on_sqlite,
    rotated_on_postgres,
    statement_values,
)
from adapters.sql.sql_unit_of_work import end_session, is_unreachable
from application.errors import StorageUnavailable
from application.ports.refresh_rotations import RefreshRotations, Rotated
from domain.rotation import PlannedRotation
from domain.sessions import Session
from domain.users import User

_ON_ITS_OWN = {"isolation_level": "AUTOCOMMIT"}
"""Reset when the connection goes back to the pool: the next unit of work on it has its transaction."""


class SqlRefreshRotations(RefreshRotations):
    """A rotation in a session of its own: the dialect's statements, then its commit."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def rotate(self, rotation: PlannedRotation) -> Rotated | None:
        session = self._sessions()
        await turns_of(session).take()
        try:
            rotated = await self._rotated(session, statement_values(rotation))
            if rotated is not None:
                await session.commit()
        except BaseException as error:
            await end_session(session, error)
            if is_unreachable(error):
                raise StorageUnavailable from error
            raise
        await end_session(session, None)
        return None if rotated is None else Rotated(*rotated)

    @abstractmethod
    async def _rotated(self, session: AsyncSession, values: dict[str, Any]) -> tuple[Session, User] | None:
        """The touched session and its user, or None and nothing written; the caller commits."""


class PostgresRefreshRotations(SqlRefreshRotations):
    def __init__(self, sessions: async_sessionmaker[AsyncSession], *, on_its_own: bool) -> None:
        super().__init__(sessions)
        self._options = _ON_ITS_OWN if on_its_own else None

    async def _rotated(self, session: AsyncSession, values: dict[str, Any]) -> tuple[Session, User] | None:
        connection = await session.connection(execution_options=self._options)
        return rotated_on_postgres((await connection.execute(POSTGRES_ROTATION, values)).mappings().first())


class SqliteRefreshRotations(SqlRefreshRotations):
    async def _rotated(self, session: AsyncSession, values: dict[str, Any]) -> tuple[Session, User] | None:
        return await (await session.connection()).run_sync(rotate_on_sqlite, values)


def sql_refresh_rotations(engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]) -> SqlRefreshRotations:
    """The rotation for the engine's dialect: PostgreSQL's one statement, or SQLite's four."""
    if engine.dialect.name == "postgresql":
        return PostgresRefreshRotations(sessions, on_its_own=statements_on_their_own(engine.sync_engine))
    return SqliteRefreshRotations(sessions)
