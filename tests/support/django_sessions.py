"""Django's sessions as Django itself makes them (its own SessionStore classes and signing, in this
process), beside tessera's adapter over the same storage. Each secret is drawn per run."""

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from unittest import mock

from django.conf import settings
from django.contrib.sessions.backends.file import SessionStore as FileSessionStore
from django.contrib.sessions.backends.signed_cookies import SessionStore as SignedCookieSessionStore
from sqlalchemy import Table, delete, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncEngine

import tests.support.django_settings  # noqa: F401  (Django is configured once a process, for every test)
from adapters.legacy.django_db_legacy_sessions import DjangoDbLegacySessions
from adapters.legacy.django_file_legacy_sessions import DjangoFileLegacySessions
from adapters.legacy.django_sessions import COOKIE_AGE, FILE_PREFIX, USER_KEY
from adapters.legacy.django_signed_cookie_legacy_sessions import DjangoSignedCookieLegacySessions
from adapters.legacy.django_signing import DjangoSecret
from adapters.memory.in_memory_spent_legacy_cookies import InMemorySpentLegacyCookies
from adapters.system_clock import SystemClock
from application.ports.legacy_sessions import LegacySessions
from application.ports.spent_legacy_cookies import SpentLegacyCookies

AGE = timedelta(seconds=COOKIE_AGE)


def new_secret() -> str:
    return secrets.token_urlsafe(40)


@contextmanager
def django_settings(secret: str, **more: Any) -> Iterator[None]:
    """Django's settings for one block (not `override_settings`: its exit reads back an empty
    SECRET_KEY, which Django refuses, when the process configured Django without one)."""
    values = {"SECRET_KEY": secret, "SECRET_KEY_FALLBACKS": [], "SESSION_COOKIE_AGE": COOKIE_AGE, **more}
    before = {name: getattr(settings._wrapped, name) for name in values}
    for name, value in values.items():
        setattr(settings, name, value)
    try:
        yield
    finally:
        for name, value in before.items():
            setattr(settings, name, value)


@contextmanager
def signed_at(moment: datetime | None) -> Iterator[None]:
    """Django's signer stamps `time.time()`; a session signed in the past is made by moving it."""
    if moment is None:
        yield
        return
    with mock.patch("django.core.signing.time.time", return_value=moment.timestamp()):
        yield


async def create_django_session_table(engine: AsyncEngine, table: Table) -> None:
    """`table` as Django's migration 0001 creates it. On MySQL/MariaDB that DDL is Django's own
    (`sqlmigrate sessions 0001`, mysql backend): `datetime(6)` without a time zone, `longtext`, and the
    database's collation (case-insensitive by default) on `session_key`; elsewhere `session_table()`."""
    async with engine.begin() as connection:
        if engine.dialect.name != "mysql":
            await connection.run_sync(table.metadata.create_all)
            return
        name = table.name
        await connection.execute(
            text(
                f"CREATE TABLE `{name}` (`session_key` varchar(40) NOT NULL PRIMARY KEY, "
                "`session_data` longtext NOT NULL, `expire_date` datetime(6) NOT NULL)"
            )
        )
        await connection.execute(text(f"CREATE INDEX `{name}_expire_date` ON `{name}` (`expire_date`)"))


class DjangoDbSessions:
    """`django.contrib.sessions.backends.db`: the row Django's `save()` writes — the key it draws,
    `encode()` of the session, `get_expiry_date()` — in a `django_session` table."""

    signed = True
    stateful = True
    tamperable = True

    def __init__(self, engine: AsyncEngine, table: Table) -> None:
        self.engine, self.table, self.secret = engine, table, new_secret()
        self.adapter: LegacySessions = DjangoDbLegacySessions(
            engine, table, DjangoSecret(self.secret.encode()), USER_KEY, SystemClock()
        )

    async def login(self, data: dict[str, Any], *, secret: str | None = None, expired: bool = False) -> str:
        with django_settings(secret or self.secret):
            store = FileSessionStore()  # any SessionStore: key drawing and encode() are SessionBase's
            key = store._get_new_session_key()
            session_data = store.encode(data)
        expire_date = datetime.now(UTC) + (-timedelta(seconds=1) if expired else AGE)
        if self.engine.dialect.name == "mysql":  # Django with USE_TZ writes naive UTC there (no time zone support)
            expire_date = expire_date.replace(tzinfo=None)
        async with self.engine.begin() as connection:
            row = {"session_key": key, "session_data": session_data, "expire_date": expire_date}
            await connection.execute(insert(self.table).values(row))
        return key

    async def holds(self, cookie: str) -> bool:
        async with self.engine.connect() as connection:
            found = await connection.scalar(select(self.table.c.session_key).where(self.table.c.session_key == cookie))
        return found is not None

    def forged(self, cookie: str) -> str:
        return "x" * 32

    async def tamper(self, cookie: str) -> None:
        """Someone with write access to the table, but not the secret, rewrites the session."""
        async with self.engine.begin() as connection:
            data = await connection.scalar(select(self.table.c.session_data).where(self.table.c.session_key == cookie))
            payload, stamp, signature = data.split(":")
            forged = {"session_data": f"{payload[:-2]}AA:{stamp}:{signature}"}
            await connection.execute(update(self.table).where(self.table.c.session_key == cookie).values(forged))

    async def close(self) -> None:
        async with self.engine.begin() as connection:
            await connection.execute(delete(self.table))


class ReadOnlyDjangoDbSessions(DjangoDbSessions):
    """The same rows, read by a bridge that may not write them (`TESSERA_LEGACY_READ_ONLY`): an
    exchanged session stays in the table for Django and is recorded as spent on tessera's side."""

    consumes = False

    def __init__(self, engine: AsyncEngine, table: Table, spent: SpentLegacyCookies | None = None) -> None:
        super().__init__(engine, table)
        self.spent = spent or InMemorySpentLegacyCookies()
        self.adapter = DjangoDbLegacySessions(
            engine, table, DjangoSecret(self.secret.encode()), USER_KEY, SystemClock(), read_only_with=self.spent
        )


class DjangoFileSessions:
    """`django.contrib.sessions.backends.file`, saving into its own directory."""

    signed = True
    stateful = True
    tamperable = True

    def __init__(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.directory, self.secret = directory, new_secret()
        self.adapter: LegacySessions = DjangoFileLegacySessions(
            directory, FILE_PREFIX, AGE, DjangoSecret(self.secret.encode()), USER_KEY, SystemClock()
        )

    async def login(self, data: dict[str, Any], *, secret: str | None = None, expired: bool = False) -> str:
        with django_settings(secret or self.secret, SESSION_FILE_PATH=str(self.directory)):
            FileSessionStore._storage_path = str(self.directory)  # Django caches the path on the class
            store = FileSessionStore()
            store.update(data)
            store.save(must_create=True)
            key = store.session_key
        assert key is not None
        if expired:
            past = (datetime.now(UTC) - AGE - timedelta(seconds=1)).timestamp()
            os.utime(self.directory / f"{FILE_PREFIX}{key}", (past, past))
        return key

    async def holds(self, cookie: str) -> bool:
        return (self.directory / f"{FILE_PREFIX}{cookie}").exists()

    def forged(self, cookie: str) -> str:
        return "x" * 32

    async def tamper(self, cookie: str) -> None:
        path = self.directory / f"{FILE_PREFIX}{cookie}"
        payload, stamp, signature = path.read_text().split(":")
        path.write_text(f"{payload[:-2]}AA:{stamp}:{signature}")

    async def close(self) -> None:
        pass


class DjangoSignedCookieSessions:
    """`django.contrib.sessions.backends.signed_cookies`: the cookie is the signed session."""

    signed = True
    stateful = False
    tamperable = True

    def __init__(self, spent: SpentLegacyCookies | None = None) -> None:
        self.secret = new_secret()
        self.spent = spent or InMemorySpentLegacyCookies()
        self.adapter: LegacySessions = DjangoSignedCookieLegacySessions(
            self.spent, AGE, DjangoSecret(self.secret.encode()), USER_KEY, SystemClock()
        )

    async def login(self, data: dict[str, Any], *, secret: str | None = None, expired: bool = False) -> str:
        moment = datetime.now(UTC) - AGE - timedelta(seconds=1) if expired else None
        with django_settings(secret or self.secret), signed_at(moment):
            store = SignedCookieSessionStore()
            store.update(data)
            store.save()
            key = store.session_key
        assert key is not None
        return key

    async def holds(self, cookie: str) -> bool:
        return True  # nothing on the legacy side to delete

    def forged(self, cookie: str) -> str:
        """Another user's id, signed with nothing: the payload changed, the signature kept."""
        payload, stamp, signature = cookie.split(":")
        return f"{payload[:-2]}AA:{stamp}:{signature}"

    async def tamper(self, cookie: str) -> None:
        pass

    async def close(self) -> None:
        pass
