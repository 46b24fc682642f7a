"""SQLite files: a new database file is made readable and writable by its owner only, before SQLite
opens it; and writers take the write lock up front.

SQLite would make it with the umask's mode (world-readable under the usual 022), and it gives the `-wal`,
`-shm` and journal files it makes beside a database the database file's own permissions: so made first,
at 0600, all of them are private. An existing file keeps the mode it has (its owner may have chosen it)."""

import os
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

DATABASE_FILE_MODE = 0o600
SQLITE_BUSY_TIMEOUT_MS = 30_000


def create_private_sqlite_file(url: str) -> None:
    """Makes the file of a SQLite URL at mode 0600 if there is none yet; anything else is left to SQLite:
    an in-memory or `file:` URI database, an existing file, or a missing folder (SQLite's error says so)."""
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    try:
        os.close(os.open(database, os.O_WRONLY | os.O_CREAT | os.O_EXCL, DATABASE_FILE_MODE))
    except (FileExistsError, FileNotFoundError):
        return


def serialize_sqlite_writers(engine: AsyncEngine) -> None:
    """SQLite upgrades a read lock to a write lock lazily, and two transactions doing so at once
    fail with 'database is locked' whatever the timeout. `BEGIN IMMEDIATE` takes the write lock
    up front, so concurrent units of work queue on the busy timeout instead."""

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # let the "begin" hook below issue BEGIN itself
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def read_only_sqlite_connections(engine: AsyncEngine) -> None:
    """Connections that read only, each statement its own read transaction: no BEGIN, no write lock."""

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA query_only=ON")
        cursor.close()
