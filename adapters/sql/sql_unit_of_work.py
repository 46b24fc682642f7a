import contextlib
from types import TracebackType
from typing import Self

from asyncpg.exceptions import InterfaceError as DriverInterfaceError
from asyncpg.exceptions import OperatorInterventionError, PostgresConnectionError
from sqlalchemy.exc import DBAPIError, DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from adapters.sql.connection_turns import turns_of
from adapters.sql.postgres_pooler import statements_on_their_own
from adapters.sql.sql_login_failure_repository import SqlLoginFailureRepository
from adapters.sql.sql_password_reset_repository import SqlPasswordResetRepository
from adapters.sql.sql_session_repository import SqlSessionRepository
from adapters.sql.sql_signing_key_repository import SqlSigningKeyRepository
from adapters.sql.sql_user_repository import SqlUserRepository
from application.errors import StorageUnavailable
from application.event_recorder import NOWHERE, EventRecorder
from application.ports.event_dispatcher import EventDispatcher, RecordedEvent
from application.ports.unit_of_work import UnitOfWork

_UNREACHABLE = (OperationalError, InterfaceError, DisconnectionError, PoolTimeout, OSError, TimeoutError)
_UNREACHABLE_DRIVER = (*_UNREACHABLE, PostgresConnectionError, OperatorInterventionError, DriverInterfaceError)
READ_ONLY_SQL_TRANSACTION = "25006"


def is_unreachable(error: BaseException) -> bool:
    """Driver errors that mean "the database is not there", as opposed to a bug or a constraint.

    asyncpg raises some of them unwrapped (a server shutting down or starting up refuses new
    connections with SQLSTATE 57P03), so the whole cause chain is read, and the SQLSTATE classes
    08 (connection exception) and 57 (operator intervention) count as unreachable too. So does a
    write refused by a server that takes none (`is_read_only`): the primary is not there either.
    """
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, DBAPIError) and seen.connection_invalidated:
            return True
        if isinstance(seen, _UNREACHABLE_DRIVER):
            return True
        if _sqlstate(seen).startswith(("08", "57")) or _sqlstate(seen) == READ_ONLY_SQL_TRANSACTION:
            return True
        seen = _cause(seen)
    return False


def is_read_only(error: BaseException) -> bool:
    """A write refused because the server takes none (SQLSTATE 25006). In a failover, a connection
    can reach a standby a moment before its promotion, or stay on a primary demoted a moment ago (a
    multi-host URL keeps it there for good): the connection is dropped, not pooled again, so that the
    next one is opened to wherever the primary is then."""
    seen: BaseException | None = error
    while seen is not None:
        if _sqlstate(seen) == READ_ONLY_SQL_TRANSACTION:
            return True
        seen = _cause(seen)
    return False


def _sqlstate(error: BaseException) -> str:
    return str(getattr(error, "sqlstate", "") or "")


def _cause(error: BaseException) -> BaseException | None:
    return getattr(error, "orig", None) or error.__cause__


async def end_session(session: AsyncSession, exc: BaseException | None) -> None:
    """Ends a session that took its turn (`ConnectionTurns`): what it left uncommitted rolled back, the session
    closed, and its turn given back. After a write refused as read-only (`is_read_only`) its connection is
    dropped. A connection that is gone has nothing to roll back: that is no error here."""
    try:
        if exc is not None and is_read_only(exc):
            with contextlib.suppress(*_UNREACHABLE):  # not pooled again: the primary is elsewhere
                await session.invalidate()
        with contextlib.suppress(*_UNREACHABLE):
            await session.rollback()
        with contextlib.suppress(*_UNREACHABLE):
            await session.close()
    finally:
        turns_of(session).give_back()


class SqlUnitOfWork(UnitOfWork):
    """One database transaction per `async with`; it rolls back unless `commit` was called. A block
    declared `without_transaction` runs on PostgreSQL in autocommit: each statement without BEGIN and COMMIT
    (`statements_on_their_own`: not behind a transaction pooler, nor on SQLite)."""

    def __init__(
        self, session_factory: async_sessionmaker[AsyncSession], dispatcher: EventDispatcher = NOWHERE
    ) -> None:
        self._session_factory = session_factory
        self._session: AsyncSession | None = None
        self._events = EventRecorder(dispatcher)
        self._autocommit = False

    def without_transaction(self) -> Self:
        self._autocommit = True
        return self

    async def __aenter__(self) -> Self:
        autocommit, self._autocommit = self._autocommit, False
        session = self._session_factory()
        await turns_of(session).take()  # in the order units of work came (ConnectionTurns)
        self._session = session
        if autocommit and statements_on_their_own(self._session.get_bind().engine):
            try:  # set as the connection is taken from the pool, and reset when it returns there
                await self._session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
            except BaseException as error:  # no block runs: close the session, and say if the database is gone
                await self.__aexit__(type(error), error, error.__traceback__)
                raise
        self.users = SqlUserRepository(self._session)
        self.sessions = SqlSessionRepository(self._session)
        self.login_failures = SqlLoginFailureRepository(self._session)
        self.signing_keys = SqlSigningKeyRepository(self._session)
        self.password_resets = SqlPasswordResetRepository(self._session)
        self._events.opened()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        session, self._session = self._session, None
        try:
            if session is not None:
                await end_session(session, exc)
        finally:  # the connection back in the pool first: dispatching needs none
            self._events.closed()
        if exc is not None and is_unreachable(exc):
            raise StorageUnavailable from exc

    async def commit(self) -> None:
        assert self._session is not None, "commit outside of a unit of work"
        await self._session.commit()
        self._events.committed()

    def record(self, event: RecordedEvent) -> None:
        self._events.record(event)
