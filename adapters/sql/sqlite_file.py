"""A new SQLite database file is made here, readable and writable by its owner only, before SQLite opens it.

SQLite would make it with the umask's mode (world-readable under the usual 022), and it gives the `-wal`,
`-shm` and journal files it makes beside a database the database file's own permissions: so made first,
at 0600, all of them are private. An existing file keeps the mode it has (its owner may have chosen it)."""

import os

from sqlalchemy.engine import make_url

DATABASE_FILE_MODE = 0o600


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
