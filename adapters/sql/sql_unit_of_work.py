from types import TracebackType
from typing import Self

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from adapters.sql.sql_login_failure_repository import SqlLoginFailureRepository
from adapters.sql.sql_session_repository import SqlSessionRepository
from adapters.sql.sql_user_repository import SqlUserRepository
from application.ports.unit_of_work import UnitOfWork


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
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        session, self._session = self._session, None
        if session is not None:
            try:
                await session.rollback()
            finally:
                await session.close()

    async def commit(self) -> None:
        assert self._session is not None, "commit outside of a unit of work"
        await self._session.commit()
