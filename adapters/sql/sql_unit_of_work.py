import contextlib
from types import TracebackType
from typing import Self

from sqlalchemy.exc import DBAPIError, DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from adapters.sql.sql_login_failure_repository import SqlLoginFailureRepository
from adapters.sql.sql_session_repository import SqlSessionRepository
from adapters.sql.sql_signing_key_repository import SqlSigningKeyRepository
from adapters.sql.sql_user_repository import SqlUserRepository
from application.errors import StorageUnavailable
from application.ports.unit_of_work import UnitOfWork

_UNREACHABLE = (OperationalError, InterfaceError, DisconnectionError, PoolTimeout, OSError, TimeoutError)


def _is_unreachable(error: BaseException) -> bool:
    """Driver errors that mean "the database is not there", as opposed to a bug or a constraint."""
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return True
    return isinstance(error, _UNREACHABLE)


class SqlUnitOfWork(UnitOfWork):
    """One database transaction per `async with`; it rolls back unless `commit` was called."""

    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        self._session_factory = session_factory
        self._session: AsyncSession | None = None

    async def __aenter__(self) -> Self:
        self._session = self._session_factory()
        self.users = SqlUserRepository(self._session)
        self.sessions = SqlSessionRepository(self._session)
        self.login_failures = SqlLoginFailureRepository(self._session)
        self.signing_keys = SqlSigningKeyRepository(self._session)
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        session, self._session = self._session, None
        if session is not None:
            with contextlib.suppress(*_UNREACHABLE):  # the connection may be gone: nothing to roll back then
                await session.rollback()
            with contextlib.suppress(*_UNREACHABLE):
                await session.close()
        if exc is not None and _is_unreachable(exc):
            raise StorageUnavailable from exc

    async def commit(self) -> None:
        assert self._session is not None, "commit outside of a unit of work"
        await self._session.commit()
