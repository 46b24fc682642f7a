"""Sessions of Django's `db` and `cached_db` backends: rows of `django_session` (SQLAlchemy Core).

A row is `session_key` (the `sessionid` cookie), `session_data` (the signed session, see
django_signing.py) and `expire_date` (UTC; Django honours a row while `expire_date > now`).
Consuming a session deletes its row: the DELETE whose row count is 1 wins, so of concurrent takes
exactly one succeeds on any database. The signature is checked BEFORE the delete: a row signed
with another secret (a misconfigured `TESSERA_LEGACY_SECRET_FILE`) is refused and left in place,
so a wrong secret logs nobody out. tessera's database user needs SELECT and DELETE on the table,
and INSERT for `restore` (docs/migration-guide.md).

With a read-only database role (`TESSERA_LEGACY_READ_ONLY`), the row is only read: an exchanged
session is recorded as spent on tessera's side (`SpentLegacyCookies`, by a digest of its key) until
its `expire_date`, and a replay is refused as `replayed`, as for a signed cookie; Django itself keeps
honouring the session until it ends or the user logs out there.

On MySQL/MariaDB `expire_date` is a DATETIME without a zone: Django (USE_TZ) writes naive UTC there,
read back as naive and taken as UTC here; a restored row is written in UTC too, since the driver
(asyncmy) drops an offset and keeps the wall time. `session_key` and `session_data` compare under the
database's collation, case-insensitive by default: harmless, as a key is [a-z0-9] only
(`session_key_of`) and two signed `session_data` differing only in case do not occur.

`cached_db` keeps a copy in Django's cache too: after the row is deleted, the legacy app may still
honour its cached copy until the cache entry times out; tessera refuses a second exchange all the same.
"""

import hashlib
import logging
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Column,
    ColumnElement,
    DateTime,
    MetaData,
    String,
    Table,
    Text,
    and_,
    case,
    delete,
    func,
    insert,
    null,
    select,
)
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.legacy import django_sessions
from adapters.legacy.django_signing import STORED_SESSION_SALT, DjangoSecret
from application.errors import StorageUnavailable
from application.ports.clock import Clock
from application.ports.legacy_sessions import LegacySessions
from application.ports.spent_legacy_cookies import SpentLegacyCookies
from domain.errors import InvalidLegacySession, LegacyRefusal, LegacySessionRefused
from domain.legacy_sessions import MAX_STORED_SESSION_BYTES, LegacySession, UserKeyPath, check_expiry

log = logging.getLogger(__name__)
_ATTEMPTS = 3
"""A row rewritten by the legacy app between our read and our delete is read again, this often."""


def session_table(name: str = "django_session") -> Table:
    """`django.contrib.sessions.models.Session`'s table, as its migration 0001 creates it."""
    return Table(
        name,
        MetaData(),
        Column("session_key", String(40), primary_key=True),
        Column("session_data", Text, nullable=False),
        Column("expire_date", DateTime(timezone=True), nullable=False, index=True),
    )


class DjangoDbLegacySessions(LegacySessions):
    def __init__(
        self,
        engine: AsyncEngine,
        table: Table,
        secret: DjangoSecret,
        user_key: UserKeyPath,
        clock: Clock,
        *,
        read_only_with: SpentLegacyCookies | None = None,
    ) -> None:
        self._engine = engine
        self._table = table
        self._secret = secret
        self._user_key = user_key
        self._clock = clock
        self._spent = read_only_with
        """Set: the table is never written, exchanged sessions are recorded as spent here instead."""

    async def take(self, cookie: str) -> LegacySession:
        key = django_sessions.session_key_of(cookie)
        try:
            for _ in range(_ATTEMPTS):
                taken = await self._take(key)
                if taken is not None:
                    return taken
        except DBAPIError as error:
            log.warning("the Django session table could not be read: %s", type(error.orig).__name__)
            raise StorageUnavailable from error
        except OSError as error:
            raise StorageUnavailable from error
        raise InvalidLegacySession(LegacyRefusal.UNKNOWN)

    async def _take(self, key: str) -> LegacySession | None:
        """The session if this call deleted its row as read; None if the row changed meanwhile."""
        table = self._table
        async with self._engine.connect() as connection:
            row = (
                await connection.execute(
                    select(_bounded(table.c.session_data), table.c.expire_date).where(table.c.session_key == key)
                )
            ).one_or_none()
        if row is None:
            raise InvalidLegacySession(LegacyRefusal.UNKNOWN)
        session_data, expire_date = row
        if session_data is None:
            raise InvalidLegacySession(LegacyRefusal.OVERSIZED)
        expires_at = expire_date if expire_date.tzinfo else expire_date.replace(tzinfo=UTC)
        refusal: LegacySessionRefused | None = None
        try:
            check_expiry(expires_at, self._clock.now())
            data, _ = django_sessions.verified(session_data, STORED_SESSION_SALT, self._secret)
        except LegacySessionRefused as refused:
            if refused.reason is not LegacyRefusal.EXPIRED:
                raise  # left in place: a wrong secret must not log anyone out
            refusal = refused
        if self._spent is not None:
            if refusal is not None:
                raise refusal  # an expired row is Django's to drop: this role writes nothing
            return await self._recorded_as_spent(key, data, session_data, expires_at)
        same_row = and_(table.c.session_key == key, table.c.session_data == session_data)
        async with self._engine.begin() as connection:
            deleted = (await connection.execute(delete(table).where(same_row))).rowcount
        if refusal is not None:
            raise refusal
        if deleted != 1:
            return None
        return django_sessions.django_session(key, data, session_data.encode(), expires_at, self._user_key)

    async def _recorded_as_spent(
        self, key: str, data: dict[str, Any], session_data: str, expires_at: datetime
    ) -> LegacySession:
        assert self._spent is not None
        if not await self._spent.spend(_spent_digest(key), expires_at, self._clock.now()):
            raise InvalidLegacySession(LegacyRefusal.REPLAYED)
        return django_sessions.django_session(key, data, session_data.encode(), expires_at, self._user_key)

    async def restore(self, session: LegacySession) -> None:
        if self._spent is not None:
            await self._spent.forget(_spent_digest(session.session_id))
            return
        if session.expires_at is not None and self._clock.now() >= session.expires_at:
            return
        row = {
            "session_key": session.session_id,
            "session_data": session.stored.decode(),
            "expire_date": (session.expires_at or datetime.max.replace(tzinfo=UTC)).astimezone(UTC),
        }
        try:
            async with self._engine.begin() as connection:
                await connection.execute(insert(self._table).values(row))
        except IntegrityError:
            return  # stored again since: the newer session is kept
        except (DBAPIError, OSError) as error:
            raise StorageUnavailable from error

    def password_unchanged(self, session: LegacySession, password_hash: str) -> bool:
        return django_sessions.password_unchanged(session, password_hash, self._secret)


def _bounded(session_data: ColumnElement[str]) -> ColumnElement[str | None]:
    """The row's data, or NULL (never sent) when it is larger than a bridge reads. Django's column is
    NOT NULL, and its data is base64 and punctuation, so characters and bytes count alike."""
    return case((func.length(session_data) <= MAX_STORED_SESSION_BYTES, session_data), else_=null())


def _spent_digest(key: str) -> str:
    """A row's key as the spent record holds it: never the key itself, which is a live credential."""
    return hashlib.sha256(b"django-db:" + key.encode()).hexdigest()
