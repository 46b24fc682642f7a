"""The storage backends, in one registry: which URL schemes tessera accepts, the dishka provider of
each, whether it has a schema to migrate, and who hears of the changes committed to it. The
environment, the CLI, `serve` and the composition root all ask `BACKENDS`; nothing else knows a scheme.
It sits below the settings, which read their URLs by it, and imports neither them nor the root."""

from collections.abc import AsyncIterator
from urllib.parse import urlsplit

from dishka import Scope, provide
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from adapters.memory.in_memory_profile_reader import InMemoryProfileReader
from adapters.memory.in_memory_spent_legacy_cookies import InMemorySpentLegacyCookies
from adapters.memory.in_memory_storage_health import InMemoryStorageHealth
from adapters.memory.in_memory_store import InMemoryStore
from adapters.memory.in_memory_unit_of_work import InMemoryUnitOfWork
from adapters.sql.database import (
    create_engine,
    create_sqlite_reader_engine,
    pending_migrations,
    session_factory,
    upgrade_schema,
)
from adapters.sql.postgres_pooler import checked_pooler, is_pooled
from adapters.sql.postgres_tls import libpq_tls_url
from adapters.sql.sql_profile_reader import SqlProfileReader
from adapters.sql.sql_refresh_rotations import sql_refresh_rotations
from adapters.sql.sql_spent_legacy_cookies import SqlSpentLegacyCookies
from adapters.sql.sql_storage_health import SqlStorageHealth
from adapters.sql.sql_unit_of_work import SqlUnitOfWork
from application.ports.change_listener import ChangeListener
from application.ports.event_dispatcher import EventDispatcher
from application.ports.profile_reader import ProfileReader
from application.ports.refresh_rotations import RefreshRotations
from application.ports.spent_legacy_cookies import SpentLegacyCookies
from application.ports.storage_health import StorageHealth
from application.ports.unit_of_work import UnitOfWork, UnitOfWorkFactory
from entrypoints.backends.backend import Schema, StorageBackend, StorageProvider


class SqlStorageProvider(StorageProvider):
    @provide(scope=Scope.APP)
    async def engine(self) -> AsyncIterator[AsyncEngine]:
        engine = create_engine(self.url, self.pool_size)
        yield engine
        await engine.dispose()

    @provide(scope=Scope.APP)
    def sessions(self, engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
        return session_factory(engine)

    uow = provide(SqlUnitOfWork, provides=UnitOfWork, scope=Scope.REQUEST)

    @provide(scope=Scope.APP)
    def new_uow(self, sessions: async_sessionmaker[AsyncSession], dispatcher: EventDispatcher) -> UnitOfWorkFactory:
        return lambda: SqlUnitOfWork(sessions, dispatcher)

    health = provide(SqlStorageHealth, provides=StorageHealth, scope=Scope.APP)

    @provide(scope=Scope.APP)
    def refresh_rotations(self, engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]) -> RefreshRotations:
        return sql_refresh_rotations(engine, sessions)

    @provide(scope=Scope.APP)
    async def profile_reader(self, engine: AsyncEngine) -> AsyncIterator[ProfileReader]:
        """On SQLite, a connection of its own, so that a profile miss never queues behind a writer."""
        if engine.dialect.name != "sqlite":
            yield SqlProfileReader(engine)
            return
        readers = create_sqlite_reader_engine(self.url)
        yield SqlProfileReader(readers)
        await readers.dispose()

    spent_legacy_cookies = provide(SqlSpentLegacyCookies, provides=SpentLegacyCookies, scope=Scope.APP)


class MemoryStorageProvider(StorageProvider):
    @provide(scope=Scope.APP)
    def store(self) -> InMemoryStore:
        return InMemoryStore()

    uow = provide(InMemoryUnitOfWork, provides=UnitOfWork, scope=Scope.REQUEST)

    @provide(scope=Scope.APP)
    def new_uow(self, store: InMemoryStore, dispatcher: EventDispatcher) -> UnitOfWorkFactory:
        return lambda: InMemoryUnitOfWork(store, dispatcher)

    health = provide(InMemoryStorageHealth, provides=StorageHealth, scope=Scope.APP)
    profile_reader = provide(InMemoryProfileReader, provides=ProfileReader, scope=Scope.APP)
    spent_legacy_cookies = provide(InMemorySpentLegacyCookies, provides=SpentLegacyCookies, scope=Scope.APP)


def _postgres_replicas(url: str) -> list[ChangeListener]:
    """Every replica hears the others' changes through PostgreSQL's NOTIFY (migration 0006's triggers)."""
    from adapters.sql.postgres_change_listener import PostgresChangeListener

    return [PostgresChangeListener(url)]


SQL_SCHEMA = Schema(upgrade=upgrade_schema, pending=pending_migrations)
_SQLITE = "sqlite+aiosqlite"
_POSTGRES = "postgresql+asyncpg"

BACKENDS: tuple[StorageBackend, ...] = (
    StorageBackend("SQLite", {"sqlite": _SQLITE, _SQLITE: _SQLITE}, SqlStorageProvider, SQL_SCHEMA),
    StorageBackend(
        "PostgreSQL",
        {"postgresql": _POSTGRES, "postgres": _POSTGRES, _POSTGRES: _POSTGRES},
        SqlStorageProvider,
        SQL_SCHEMA,
        listeners=_postgres_replicas,
        normalise=lambda url: checked_pooler(libpq_tls_url(url)),
    ),
    StorageBackend("the in-memory store", {"memory": "memory"}, MemoryStorageProvider, shared=False),
)


class UnknownStorageUrl(ValueError):
    def __init__(self) -> None:
        schemes = [f"{next(iter(backend.schemes))}://" for backend in BACKENDS]
        super().__init__(f"must be a {', '.join(schemes[:-1])} or {schemes[-1]} URL")


def backend_for(url: str) -> StorageBackend:
    """The backend whose scheme the URL has (`UnknownStorageUrl` if none)."""
    scheme = urlsplit(url).scheme
    backend = next((backend for backend in BACKENDS if scheme in backend.schemes), None)
    if backend is None:
        raise UnknownStorageUrl
    return backend


def normalised_url(url: str) -> str:
    """The URL with its scheme rewritten to the one its backend uses (`postgres://` to `postgresql+asyncpg://`),
    and its parameters as the backend reads them (`ssl=` to `sslmode=`: `InvalidTlsParameter` if refused)."""
    scheme = urlsplit(url).scheme
    backend = backend_for(url)
    return backend.normalise(backend.schemes[scheme] + url[len(scheme) :])


def listen_url_refused(database_url: str, listen_url: str | None) -> str | None:
    """Why TESSERA_LISTEN_DATABASE_URL cannot be as given beside this TESSERA_DATABASE_URL; None if it can.

    A pooled database URL (`?pooler=pgbouncer`) needs one: LISTEN through a transaction pooler hears
    nothing reliably. The listen URL itself reaches PostgreSQL directly, so it names no pooler."""
    postgres = backend_for(database_url).listeners is _postgres_replicas
    if listen_url is None:
        if postgres and is_pooled(database_url):
            return (
                "must be set when TESSERA_DATABASE_URL goes through a transaction pooler (pooler=): "
                "the change listener needs PostgreSQL itself"
            )
        return None
    if not postgres or backend_for(listen_url).listeners is not _postgres_replicas:
        return "is for PostgreSQL: set it only beside a PostgreSQL TESSERA_DATABASE_URL, and to a PostgreSQL URL"
    if is_pooled(listen_url):
        return "must reach PostgreSQL itself, not a transaction pooler: LISTEN hears nothing through one"
    return None
