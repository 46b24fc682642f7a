"""Where tessera stores its state: the database, the connection the change listener uses, the pool."""

from dataclasses import dataclass

from adapters.sql.database import POSTGRES_POOL_SIZE
from entrypoints.settings.declared import declared, integer
from entrypoints.settings.environment import Env


def _optional_database_url(env: Env, default: str | None) -> str | None:
    return env.optional_database_url("LISTEN_DATABASE_URL") or default


@dataclass(frozen=True)
class StorageSettings:
    database_url: str = declared(
        "DATABASE_URL", "sqlite+aiosqlite:///tessera.db", lambda env, d: env.database_url("DATABASE_URL", d)
    )
    listen_database_url: str | None = declared("LISTEN_DATABASE_URL", None, _optional_database_url)
    """Set: where the change listener LISTENs, PostgreSQL itself, when `database_url` goes through a
    transaction pooler (`?pooler=pgbouncer`); unset, `database_url`."""
    database_pool_size: int = integer("DATABASE_POOL_SIZE", POSTGRES_POOL_SIZE, low=1, high=100)
    """PostgreSQL connections each process keeps; SQLite keeps one."""
