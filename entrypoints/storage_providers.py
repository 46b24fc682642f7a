"""Storage chosen by TESSERA_DATABASE_URL: SQL (SQLite, PostgreSQL) or in-memory."""

from collections.abc import AsyncIterator

from dishka import Provider, Scope, provide
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from adapters.memory.in_memory_storage_health import InMemoryStorageHealth
from adapters.memory.in_memory_store import InMemoryStore
from adapters.memory.in_memory_unit_of_work import InMemoryUnitOfWork
from adapters.sql.database import create_engine, session_factory
from adapters.sql.sql_storage_health import SqlStorageHealth
from adapters.sql.sql_unit_of_work import SqlUnitOfWork
from application.ports.storage_health import StorageHealth
from application.ports.unit_of_work import UnitOfWork
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
    health = provide(SqlStorageHealth, provides=StorageHealth, scope=Scope.APP)


class MemoryStorageProvider(Provider):
    @provide(scope=Scope.APP)
    def store(self) -> InMemoryStore:
        return InMemoryStore()

    uow = provide(InMemoryUnitOfWork, provides=UnitOfWork, scope=Scope.REQUEST)
    health = provide(InMemoryStorageHealth, provides=StorageHealth, scope=Scope.APP)


def storage_provider(settings: Settings) -> Provider:
    if settings.database_url == MEMORY_DATABASE_URL:
        return MemoryStorageProvider()
    if settings.database_url.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
        return SqlStorageProvider()
    raise ConfigError("DATABASE_URL", "must be a sqlite://, postgresql:// or memory:// URL")
