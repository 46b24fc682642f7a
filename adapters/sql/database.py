"""Engines and the schema: one code path for SQLite (aiosqlite) and PostgreSQL (asyncpg)."""

import asyncio
from pathlib import Path
from typing import Any

from advanced_alchemy.alembic.commands import AlembicCommands
from advanced_alchemy.config import AlembicAsyncConfig, EngineConfig, SQLAlchemyAsyncConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

import adapters.sql.models  # noqa: F401  (registers the tables on the metadata that Alembic reads)
from adapters.sql.connection_turns import TURNS, ConnectionTurns
from adapters.sql.idle_ping import ping_when_idle
from adapters.sql.postgres_pooler import pooled_connect_args, pooled_execution_options
from adapters.sql.postgres_tls import asyncpg_tls
from adapters.sql.sqlite_file import create_private_sqlite_file, read_only_sqlite_connections, serialize_sqlite_writers

MIGRATIONS = Path(__file__).parent / "migrations"
VERSION_TABLE = "alembic_versions"


# A database that stops answering must fail a request within seconds (503), not hang it.
POSTGRES_CONNECT_TIMEOUT_SECONDS = 5
POSTGRES_STATEMENT_TIMEOUT_SECONDS = 15
POOL_TIMEOUT_SECONDS = 5
POSTGRES_POOL_SIZE = 15
"""Connections a process keeps to PostgreSQL, each kept once opened, the most recently returned used
first (so at low traffic the same few are used, and the others idle). SQLAlchemy's default (5 kept, 10
more opened under load and closed as soon as they come back) opened and closed a connection every ~20
refreshes with 16 requests in flight a worker: a TCP start and TLS handshake (or its refusal), a new
server process warming its catalog caches, every statement prepared again; CPU on both sides that the
benchmark's figure for PostgreSQL missed (the processes were gone by its end), and a stall for the
requests queued behind it. The most a worker opens is unchanged: 15."""


def database_config(url: str) -> SQLAlchemyAsyncConfig:
    parsed = make_url(url)
    postgres = parsed.get_backend_name() == "postgresql"
    parsed, tls = asyncpg_tls(parsed) if postgres else (parsed, {})
    parsed, pooled = pooled_connect_args(parsed) if postgres else (parsed, {})
    # SQLite has one writer at a time, and writers that meet spin in its busy handler, sleeping up to
    # 100 ms a turn: one connection a process makes them queue at the pool instead, first come first served.
    pool: dict[str, Any] = (
        {"pool_size": POSTGRES_POOL_SIZE, "max_overflow": 0, "pool_use_lifo": True}
        if postgres
        else {"pool_size": 1, "max_overflow": 0}
    )
    return SQLAlchemyAsyncConfig(
        connection_string=parsed.render_as_string(hide_password=False),
        engine_config=EngineConfig(
            **pool,
            pool_pre_ping=False,  # PostgreSQL: pinged when idle (adapters/sql/idle_ping.py); a SQLite file cannot drop
            pool_timeout=POOL_TIMEOUT_SECONDS,
            execution_options=pooled_execution_options(pooled),
            connect_args=(
                {
                    "timeout": POSTGRES_CONNECT_TIMEOUT_SECONDS,
                    "command_timeout": POSTGRES_STATEMENT_TIMEOUT_SECONDS,
                    **tls,
                    **pooled,
                }
                if postgres
                else {}
            ),
        ),
        alembic_config=AlembicAsyncConfig(
            script_location=str(MIGRATIONS),
            script_config=None,  # type: ignore[arg-type]  # no alembic.ini: everything is set here
            version_table_name=VERSION_TABLE,
        ),
    )


def create_engine(url: str) -> AsyncEngine:
    engine = database_config(url).get_engine()
    if engine.dialect.name == "sqlite":
        serialize_sqlite_writers(engine)
        create_private_sqlite_file(url)
    else:
        ping_when_idle(engine)
    return engine


def create_sqlite_reader_engine(url: str) -> AsyncEngine:
    """SQLite: a connection of its own for reads that need no transaction (`SqlProfileReader`).

    The one connection of `create_engine` serializes writers; a read queued behind them would wait for
    a whole unit of work. In WAL mode a reader neither waits for the writer nor holds it up, and
    `query_only` makes sure this connection never writes. It never holds a transaction either, so the
    pool has nothing to roll back when it comes back (a thread hop saved on every read)."""
    json = database_config(url).engine_config  # the same JSON codec as the units of work read with
    engine = create_async_engine(
        url,
        pool_size=1,
        max_overflow=0,
        pool_timeout=POOL_TIMEOUT_SECONDS,
        pool_reset_on_return=None,
        json_serializer=json.json_serializer,
        json_deserializer=json.json_deserializer,
    )
    read_only_sqlite_connections(engine)
    create_private_sqlite_file(url)
    return engine


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that take their turn at the engine's connections (`ConnectionTurns`) before they may use one."""
    turns = ConnectionTurns.of(engine, POOL_TIMEOUT_SECONDS)
    return async_sessionmaker(engine, expire_on_commit=False, info={TURNS: turns})


def upgrade_schema(url: str) -> None:
    """Apply every Alembic migration. Synchronous: Alembic runs its own event loop. `DatabaseUnreachable`
    if the database cannot be opened, `SchemaCommandFailed` if a migration fails."""
    config = database_config(url)
    engine = config.get_engine()
    if engine.dialect.name == "sqlite":
        serialize_sqlite_writers(engine)
        _ensure_sqlite_folder(url)
        create_private_sqlite_file(url)
    asyncio.run(_current_revision(url))  # DatabaseUnreachable before Alembic's own, less clear, failure
    try:
        AlembicCommands(sqlalchemy_config=config).upgrade("head")
    except (OSError, SQLAlchemyError) as error:
        raise SchemaCommandFailed(
            f"cannot migrate the database: {error.__class__.__name__}: {_first_line(error)}"
        ) from None


def _ensure_sqlite_folder(url: str) -> None:
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)


class SchemaCommandFailed(RuntimeError):
    """Reading or migrating the schema failed (the database unreachable, or refusing): the CLI's one
    line. Not `StorageUnavailable`, which a request or background loop meets at run time."""


class DatabaseUnreachable(SchemaCommandFailed):
    """The database could not be opened at all (down, refused, a wrong password, no such file)."""


def pending_migrations(url: str) -> str | None:
    """None when the database is at the newest migration, else a short description of the gap."""
    head = ScriptDirectory(str(MIGRATIONS)).get_current_head()
    current = asyncio.run(_current_revision(url))
    return (
        None if current == head else f"the database is at {current or 'an empty schema'}, this release expects {head}"
    )


async def _current_revision(url: str) -> str | None:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(
                lambda sync: MigrationContext.configure(
                    sync, opts={"version_table": VERSION_TABLE}
                ).get_current_revision()
            )
    except (OSError, SQLAlchemyError) as error:
        raise DatabaseUnreachable(
            f"cannot open the database: {error.__class__.__name__}: {_first_line(error)}"
        ) from None
    finally:
        await engine.dispose()


def _first_line(error: BaseException) -> str:
    """SQLAlchemy appends the statement and a link on lines of their own: the CLI prints one line."""
    return str(error).strip().splitlines()[0] if str(error).strip() else ""
