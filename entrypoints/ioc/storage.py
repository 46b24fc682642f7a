"""Storage chosen by TESSERA_DATABASE_URL: SQL (SQLite, PostgreSQL) or in-memory."""

from collections.abc import AsyncIterator

from dishka import Provider, Scope, provide
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from adapters.local.unix_socket_sibling_workers import UnixSocketSiblingWorkers
from adapters.memory.in_memory_storage_health import InMemoryStorageHealth
from adapters.memory.in_memory_store import InMemoryStore
from adapters.memory.in_memory_unit_of_work import InMemoryUnitOfWork
from adapters.sql.database import create_engine, session_factory
from adapters.sql.sql_storage_health import SqlStorageHealth
from adapters.sql.sql_unit_of_work import SqlUnitOfWork
from application.ports.change_listener import ChangeListener
from application.ports.storage_health import StorageHealth
from application.ports.unit_of_work import UnitOfWork, UnitOfWorkFactory
from entrypoints.config import Settings
from entrypoints.environment import ConfigError

MEMORY_DATABASE_URL = "memory://"


class SqlStorageProvider(Provider):
    @provide(scope=Scope.APP)
    async def engine(self, settings: Settings) -> AsyncIterator[AsyncEngine]:
        engine = create_engine(settings.database_url)
        yield engine
        await engine.dispose()

    @provide(scope=Scope.APP)
    def sessions(self, engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
        return session_factory(engine)

    uow = provide(SqlUnitOfWork, provides=UnitOfWork, scope=Scope.REQUEST)

    @provide(scope=Scope.APP)
    def new_uow(self, sessions: async_sessionmaker[AsyncSession]) -> UnitOfWorkFactory:
        return lambda: SqlUnitOfWork(sessions)

    health = provide(SqlStorageHealth, provides=StorageHealth, scope=Scope.APP)

    @provide(scope=Scope.APP)
    def listeners(self, settings: Settings, siblings: UnixSocketSiblingWorkers) -> list[ChangeListener]:
        """Sibling workers, and on PostgreSQL every replica, heard as changes commit."""
        if not settings.database_url.startswith("postgresql"):
            return [siblings]
        from adapters.sql.postgres_change_listener import PostgresChangeListener

        return [siblings, PostgresChangeListener(settings.database_url)]


class MemoryStorageProvider(Provider):
    @provide(scope=Scope.APP)
    def store(self) -> InMemoryStore:
        return InMemoryStore()

    uow = provide(InMemoryUnitOfWork, provides=UnitOfWork, scope=Scope.REQUEST)

    @provide(scope=Scope.APP)
    def new_uow(self, store: InMemoryStore) -> UnitOfWorkFactory:
        return lambda: InMemoryUnitOfWork(store)

    health = provide(InMemoryStorageHealth, provides=StorageHealth, scope=Scope.APP)

    @provide(scope=Scope.APP)
    def listeners(self) -> list[ChangeListener]:
        return []  # one process holds the whole in-memory store: nobody else changes it


def storage_provider(settings: Settings) -> Provider:
    if settings.database_url == MEMORY_DATABASE_URL:
        return MemoryStorageProvider()
    if settings.database_url.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
        return SqlStorageProvider()
    raise ConfigError("DATABASE_URL", "must be a sqlite://, postgresql:// or memory:// URL")
