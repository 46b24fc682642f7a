import asyncio
import sqlite3
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

import pytest

from adapters.sql.database import create_engine, upgrade_schema
from tests.support.express import ExpressSessionWriter, NodeUnavailable, running_session_writer
from tests.support.mariadb import MariaDb, MariaDbUnavailable, running_mariadb
from tests.support.postgres import PostgresUnavailable, running_postgres
from tests.support.redis import RedisUnavailable, running_redis

pytest_plugins = [
    # Fixtures and hooks of tests in every capability folder, registered once here (pytest takes plugins
    # from the root conftest only).
    "tests.support.in_memory_tessera",
    "tests.support.app_clients",
    "tests.support.storage_contract",
]
TABLES = ("refresh_tokens", "sessions", "users", "login_failures", "signing_keys", "legacy_spent_cookies")
T = TypeVar("T")


def _off_the_loop(work: Callable[[], T]) -> T:
    """Run blocking set-up (which may start its own event loop) on a thread of its own, so that
    it also works when an async fixture asks for it from inside the test's running loop."""
    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(work).result()


@pytest.fixture(scope="session")
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """One real PostgreSQL for the whole run, migrated once. Unavailable means failed, never skipped."""
    server = running_postgres()
    try:
        url = server.__enter__()
        _off_the_loop(lambda: upgrade_schema(url))
    except PostgresUnavailable as error:
        pytest.fail(f"PostgreSQL is required for these tests: {error}", pytrace=False)
    try:
        yield url
    finally:
        server.__exit__(None, None, None)


@pytest.fixture(scope="session")
def mariadb() -> Iterator[MariaDb]:
    """One real MariaDB (Debian's mariadb-server) for the whole run: an empty database, a user with a
    password, and an admin who may grant. Unavailable means failed, never skipped."""
    server = running_mariadb()
    try:
        found = server.__enter__()
    except MariaDbUnavailable as error:
        pytest.fail(f"MariaDB is required for these tests: {error}", pytrace=False)
    try:
        yield found
    finally:
        server.__exit__(None, None, None)


@pytest.fixture(scope="session")
def mariadb_url(mariadb: MariaDb) -> str:
    """A `mysql+asyncmy://` URL of the database, as the user with all privileges on it alone."""
    return mariadb.url


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One real Redis (Debian's redis-server) for the whole run. Unavailable means failed, never skipped."""
    server = running_redis(tmp_path_factory.mktemp("redis"))
    try:
        url = server.__enter__()
    except RedisUnavailable as error:
        pytest.fail(f"Redis is required for these tests: {error}", pytrace=False)
    try:
        yield url
    finally:
        server.__exit__(None, None, None)


@pytest.fixture(scope="session")
def express_session_writer(redis_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ExpressSessionWriter]:
    """express-session's own objects on connect-redis, in one Node process for the whole run (its
    packages npm-installed on first use). Node missing means failed, never skipped."""
    from tests.support.express_stores import PREFIX, SECRETS

    process = running_session_writer(tmp_path_factory.mktemp("express"), redis_url, SECRETS, prefix=PREFIX)
    try:
        writer = process.__enter__()
    except NodeUnavailable as error:
        pytest.fail(f"Node.js is required for these tests: {error}", pytrace=False)
    try:
        yield writer
    finally:
        process.__exit__(None, None, None)


@pytest.fixture
def clean_postgres_url(postgres_url: str) -> str:
    """The shared PostgreSQL, emptied for this test."""
    _off_the_loop(lambda: asyncio.run(_truncate(postgres_url)))
    return postgres_url


async def _truncate(url: str) -> None:
    engine = create_engine(url)
    async with engine.begin() as connection:
        await connection.exec_driver_sql(f"TRUNCATE {', '.join(TABLES)} CASCADE")
    await engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite database migrated once; each test gets a copy of it."""
    path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    _off_the_loop(lambda: upgrade_schema(f"sqlite+aiosqlite:///{path}"))
    return path


@pytest.fixture
def sqlite_url(sqlite_template: Path, tmp_path: Path) -> str:
    target = tmp_path / "tessera.db"
    with sqlite3.connect(sqlite_template) as source, sqlite3.connect(target) as copy:
        source.backup(copy)
    return f"sqlite+aiosqlite:///{target}"
