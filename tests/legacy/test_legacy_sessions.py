"""The LegacySessions contract: first over Litestar's Redis and file stores and the in-memory fake,
then the contract every framework's bridge passes (Litestar's, Django's and Flask's backends, and
express-session on connect-redis, whose sessions Node writes: tests/support/express_stores.py).

Sessions are written by the framework's own classes, as the legacy application writes them."""

import asyncio
import dataclasses
import json
import secrets
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Protocol

import pytest
from sqlalchemy import make_url, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from adapters.legacy.django_db_legacy_sessions import DjangoDbLegacySessions, session_table
from adapters.legacy.django_sessions import USER_KEY as DJANGO_USER_KEY
from adapters.legacy.django_signing import DjangoSecret
from adapters.legacy.file_legacy_sessions import FileLegacySessions
from adapters.legacy.litestar_sessions import SESSION_ID_BYTES, USER_KEY
from adapters.legacy.redis_legacy_sessions import RedisLegacySessions
from adapters.memory.in_memory_spent_legacy_cookies import InMemorySpentLegacyCookies
from adapters.system_clock import SystemClock
from application.errors import StorageUnavailable
from application.ports.legacy_sessions import LegacySessions
from deploy.ports import free_port
from domain.errors import InvalidLegacySession, LegacyRefusal, LegacySessionRefused, MalformedLegacySessionCookie
from domain.legacy_sessions import MAX_STORED_SESSION_BYTES
from entrypoints.settings.legacy import LegacyBridgeSettings
from tests.support.django_sessions import (
    DjangoDbSessions,
    DjangoFileSessions,
    DjangoSignedCookieSessions,
    ReadOnlyDjangoDbSessions,
    create_django_session_table,
    new_secret,
)
from tests.support.express_stores import ExpressSessions
from tests.support.flask_sessions import FlaskCookieSessions, FlaskSessionRedisSessions
from tests.support.legacy_stores import LegacyStore, MemoryStore, file_store, new_session_id, redis_store
from tests.support.mariadb import MariaDb

pytestmark = pytest.mark.anyio
REPOSITORY = Path(__file__).resolve().parents[2]
ADA = {"user_id": str(uuid.uuid4()), "email": "ada@example.com", "flash": ["Welcome back"]}


@pytest.fixture(
    params=[
        "memory",
        "file",
        pytest.param("redis", marks=pytest.mark.redis),
        pytest.param("redis-unnamespaced", marks=pytest.mark.redis),
    ]
)
async def legacy(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[LegacyStore]:
    store: LegacyStore
    if request.param == "memory":
        store = MemoryStore()
    elif request.param == "file":
        store = file_store(tmp_path / "sessions")
    else:
        url = request.getfixturevalue("redis_url")
        namespace = None if request.param == "redis-unnamespaced" else f"LITESTAR_{uuid.uuid4().hex}"
        store = redis_store(url, namespace)
    yield store
    await store.close()


async def test_taking_a_session_returns_what_the_legacy_app_stored_and_deletes_it(legacy: LegacyStore) -> None:
    session_id = new_session_id()
    await legacy.put(session_id, ADA, expires_in=600)
    taken = await legacy.adapter.take(session_id)
    assert taken is not None
    assert (taken.session_id, taken.data, taken.user_reference) == (session_id, ADA, ADA["user_id"])
    assert json.loads(taken.stored) == ADA
    assert taken.expires_at is not None
    assert datetime.now(UTC) < taken.expires_at <= datetime.now(UTC) + timedelta(seconds=600)
    assert await legacy.get(session_id) is None


async def test_a_session_is_taken_only_once(legacy: LegacyStore) -> None:
    session_id = new_session_id()
    await legacy.put(session_id, ADA)
    assert await legacy.adapter.take(session_id) is not None
    with pytest.raises(InvalidLegacySession) as refused:
        await legacy.adapter.take(session_id)
    assert refused.value.reason is LegacyRefusal.UNKNOWN


async def test_of_many_concurrent_takes_of_one_session_exactly_one_receives_it(legacy: LegacyStore) -> None:
    session_id = new_session_id()
    await legacy.put(session_id, ADA)
    results = await asyncio.gather(*(legacy.adapter.take(session_id) for _ in range(24)), return_exceptions=True)
    assert [result.data for result in results if not isinstance(result, BaseException)] == [ADA]
    refusals = [result for result in results if isinstance(result, BaseException)]
    assert all(isinstance(r, LegacySessionRefused) and r.reason is LegacyRefusal.UNKNOWN for r in refusals)
    assert await legacy.get(session_id) is None


async def test_an_unknown_session_is_refused_as_unknown(legacy: LegacyStore) -> None:
    with pytest.raises(InvalidLegacySession) as refused:
        await legacy.adapter.take(new_session_id())
    assert refused.value.reason is LegacyRefusal.UNKNOWN


@pytest.mark.parametrize("cookie", ["AB" * 32, "ab" * 31, "ab" * 33, "zz" * 32, "ab" * 31 + "é", "null"])
async def test_a_cookie_litestar_could_not_have_issued_is_malformed_and_changes_nothing(
    legacy: LegacyStore, cookie: str
) -> None:
    session_id = new_session_id()
    await legacy.put(session_id, ADA)
    with pytest.raises(MalformedLegacySessionCookie):
        await legacy.adapter.take(cookie)
    assert json.loads(await legacy.get(session_id) or b"null") == ADA


async def test_an_expired_session_is_refused(legacy: LegacyStore) -> None:
    """Redis drops the key itself (unknown); the file store and the fake still hold it (expired)."""
    session_id = new_session_id()
    await legacy.put(session_id, ADA)
    await legacy.expire(session_id)
    await asyncio.sleep(0.05)
    with pytest.raises(InvalidLegacySession) as refused:
        await legacy.adapter.take(session_id)
    assert refused.value.reason in (LegacyRefusal.EXPIRED, LegacyRefusal.UNKNOWN)
    assert await legacy.get(session_id) is None


async def test_taking_one_session_leaves_every_other_untouched(legacy: LegacyStore) -> None:
    taken_id, other_id = new_session_id(), new_session_id()
    await legacy.put(taken_id, ADA)
    await legacy.put(other_id, {"user_id": "someone else"})
    await legacy.adapter.take(taken_id)
    assert json.loads(await legacy.get(other_id) or b"null") == {"user_id": "someone else"}


async def test_a_value_that_is_not_a_session_object_is_refused_as_unreadable(legacy: LegacyStore) -> None:
    session_id = new_session_id()
    await legacy.put(session_id, ["not", "an", "object"])  # type: ignore[arg-type]
    with pytest.raises(InvalidLegacySession) as refused:
        await legacy.adapter.take(session_id)
    assert refused.value.reason is LegacyRefusal.UNREADABLE


async def test_a_session_naming_no_user_is_taken_without_a_user_reference(legacy: LegacyStore) -> None:
    session_id = new_session_id()
    await legacy.put(session_id, {"flash": ["anonymous"]})
    taken = await legacy.adapter.take(session_id)
    assert taken.user_reference is None


async def test_a_restored_session_is_readable_by_the_legacy_app_again(legacy: LegacyStore) -> None:
    session_id = new_session_id()
    await legacy.put(session_id, ADA, expires_in=600)
    taken = await legacy.adapter.take(session_id)
    assert taken is not None
    await legacy.adapter.restore(taken)
    assert json.loads(await legacy.get(session_id) or b"null") == ADA
    again = await legacy.adapter.take(session_id)
    assert again is not None and again.expires_at is not None and taken.expires_at is not None
    assert abs(again.expires_at - taken.expires_at) < timedelta(seconds=2)


async def test_restoring_never_overwrites_a_session_stored_since(legacy: LegacyStore) -> None:
    session_id = new_session_id()
    await legacy.put(session_id, ADA)
    taken = await legacy.adapter.take(session_id)
    assert taken is not None
    await legacy.put(session_id, {"user_id": "newer"})
    await legacy.adapter.restore(taken)
    assert json.loads(await legacy.get(session_id) or b"null") == {"user_id": "newer"}


async def test_an_unreachable_redis_is_unavailable_storage() -> None:
    from redis.asyncio import Redis

    client = Redis.from_url(f"redis://127.0.0.1:{free_port()}/0", socket_connect_timeout=1)
    with pytest.raises(StorageUnavailable):
        await RedisLegacySessions(client, "LITESTAR", SESSION_ID_BYTES, USER_KEY, SystemClock()).take(new_session_id())
    await client.aclose()


async def test_a_failing_file_system_is_unavailable_storage(tmp_path: Path) -> None:
    not_a_directory = tmp_path / "file"
    not_a_directory.write_text("")
    with pytest.raises(StorageUnavailable):
        await FileLegacySessions(not_a_directory, SESSION_ID_BYTES, USER_KEY, SystemClock()).take(new_session_id())


async def test_a_missing_file_store_directory_holds_no_session(tmp_path: Path) -> None:
    adapter = FileLegacySessions(tmp_path / "not-yet-created", SESSION_ID_BYTES, USER_KEY, SystemClock())
    with pytest.raises(InvalidLegacySession):
        await adapter.take(new_session_id())


# One contract for every framework's bridge: sessions made by the framework's own code.

USER = {
    "_auth_user_id": "42",
    "_user_id": "42",
    "user_id": "42",
    "_auth_user_backend": "django.contrib.auth.backends.ModelBackend",
}


class LitestarSessions:
    """A Litestar store as a framework of the shared contract: unsigned ids, nothing to forge."""

    signed = False
    stateful = True
    tamperable = False

    def __init__(self, store: LegacyStore) -> None:
        self.store, self.adapter = store, store.adapter

    async def login(self, data: dict[str, Any], *, secret: str | None = None, expired: bool = False) -> str:
        session_id = new_session_id()
        await self.store.put(session_id, data)
        if expired:
            await self.store.expire(session_id)
            await asyncio.sleep(0.05)  # Redis drops a key whose 1 ms TTL ran out on its next access
        return session_id

    async def holds(self, cookie: str) -> bool:
        return await self.store.get(cookie) is not None

    def forged(self, cookie: str) -> str:
        return new_session_id()

    async def tamper(self, cookie: str) -> None:
        pass

    async def close(self) -> None:
        await self.store.close()


class Framework(Protocol):
    adapter: LegacySessions
    signed: bool
    """Its sessions carry a signature made with the legacy app's secret."""
    stateful: bool
    """Its sessions live in a store (deleted when taken), not in the cookie alone."""
    tamperable: bool
    """The session's data itself is signed, so that rewriting it without the secret shows."""

    async def login(self, data: dict[str, Any], *, secret: str | None = None, expired: bool = False) -> str: ...
    async def holds(self, cookie: str) -> bool: ...
    def forged(self, cookie: str) -> str: ...
    async def tamper(self, cookie: str) -> None: ...
    async def close(self) -> None: ...


@pytest.fixture(
    params=[
        "litestar-memory",
        "litestar-file",
        pytest.param("litestar-redis", marks=pytest.mark.redis),
        "django-db-sqlite",
        pytest.param("django-db-postgres", marks=pytest.mark.postgres),
        "django-db-read-only-sqlite",
        pytest.param("django-db-read-only-postgres", marks=pytest.mark.postgres),
        pytest.param("django-db-mysql", marks=pytest.mark.mysql),
        pytest.param("django-db-read-only-mysql", marks=pytest.mark.mysql),
        "django-file",
        "django-signed-cookies",
        "flask-cookie",
        pytest.param("flask-session-redis", marks=pytest.mark.redis),
        pytest.param("flask-session-redis-json-signed", marks=pytest.mark.redis),
        pytest.param("express-redis", marks=pytest.mark.redis),
    ]
)
async def framework(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Framework]:
    kind: str = request.param
    made: Framework
    engine = None
    if kind == "litestar-memory":
        made = LitestarSessions(MemoryStore())
    elif kind == "litestar-file":
        made = LitestarSessions(file_store(tmp_path / "sessions"))
    elif kind == "litestar-redis":
        made = LitestarSessions(redis_store(request.getfixturevalue("redis_url"), f"LITESTAR_{uuid.uuid4().hex}"))
    elif kind.startswith("django-db"):
        database = kind.rpartition("-")[2]
        if database == "sqlite":
            url = f"sqlite+aiosqlite:///{tmp_path / 'django.db'}"
        else:
            url = request.getfixturevalue("mariadb_url" if database == "mysql" else "postgres_url")
        engine = create_async_engine(url)
        table = session_table(f"django_session_{uuid.uuid4().hex[:12]}")
        await create_django_session_table(engine, table)
        made = ReadOnlyDjangoDbSessions(engine, table) if "read-only" in kind else DjangoDbSessions(engine, table)
    elif kind == "django-file":
        made = DjangoFileSessions(tmp_path / "django-sessions")
    elif kind == "django-signed-cookies":
        made = DjangoSignedCookieSessions()
    elif kind == "flask-cookie":
        made = FlaskCookieSessions()
    elif kind == "express-redis":
        made = ExpressSessions(request.getfixturevalue("express_session_writer"), request.getfixturevalue("redis_url"))
    else:
        signed = kind.endswith("signed")
        serialization = "json" if "json" in kind else "msgpack"
        made = FlaskSessionRedisSessions(
            request.getfixturevalue("redis_url"), signer=signed, serialization=serialization
        )
    yield made
    await made.close()
    if engine is not None:
        async with engine.begin() as connection:  # the shared PostgreSQL and MariaDB hold no session table again
            await connection.run_sync(table.metadata.drop_all)
        await engine.dispose()


def _consumes(framework: Framework) -> bool:
    """Whether an exchange removes the session from the legacy store: every store that holds sessions
    but one read by a read-only role, which records them as spent on tessera's side instead."""
    return bool(getattr(framework, "consumes", framework.stateful))


async def test_a_live_session_is_exchanged_once_with_the_user_it_names(framework: Framework) -> None:
    cookie = await framework.login(USER)
    taken = await framework.adapter.take(cookie)
    assert USER.items() <= taken.data.items() and taken.user_reference == "42"  # a framework may add its own keys
    assert taken.expires_at is not None and taken.expires_at > datetime.now(UTC)
    assert not _consumes(framework) or not await framework.holds(cookie)
    with pytest.raises(InvalidLegacySession) as replayed:
        await framework.adapter.take(cookie)
    assert replayed.value.reason is (LegacyRefusal.UNKNOWN if _consumes(framework) else LegacyRefusal.REPLAYED)


async def test_an_expired_session_is_refused_and_consumed(framework: Framework) -> None:
    cookie = await framework.login(USER, expired=True)
    with pytest.raises(InvalidLegacySession) as refused:
        await framework.adapter.take(cookie)
    assert refused.value.reason in (LegacyRefusal.EXPIRED, LegacyRefusal.UNKNOWN)  # Redis forgets it by itself
    assert not _consumes(framework) or not await framework.holds(cookie)


async def test_a_forged_cookie_is_refused_and_the_real_session_is_left_as_it_was(framework: Framework) -> None:
    cookie = await framework.login(USER)
    with pytest.raises(LegacySessionRefused) as refused:
        await framework.adapter.take(framework.forged(cookie))
    assert refused.value.reason in (LegacyRefusal.UNKNOWN, LegacyRefusal.BAD_SIGNATURE, LegacyRefusal.MALFORMED)
    assert (await framework.adapter.take(cookie)).data.items() >= USER.items()


async def test_a_session_rewritten_without_the_secret_is_refused_as_a_bad_signature(framework: Framework) -> None:
    if not framework.tamperable:
        pytest.skip("the framework signs no session data")
    cookie = await framework.login(USER)
    await framework.tamper(cookie)
    with pytest.raises(InvalidLegacySession) as refused:
        await framework.adapter.take(framework.forged(cookie) if not framework.stateful else cookie)
    assert refused.value.reason is LegacyRefusal.BAD_SIGNATURE
    assert await framework.holds(cookie)


async def test_a_session_signed_with_another_secret_is_refused_and_left_in_place(framework: Framework) -> None:
    if not framework.signed:
        pytest.skip("the framework signs nothing")
    cookie = await framework.login(USER, secret=new_secret())
    with pytest.raises(InvalidLegacySession) as refused:
        await framework.adapter.take(cookie)
    assert refused.value.reason is LegacyRefusal.BAD_SIGNATURE
    assert await framework.holds(cookie)


@pytest.mark.parametrize(
    "grown",
    [
        pytest.param(lambda: "x" * MAX_STORED_SESSION_BYTES, id="compressible"),  # a signed value inflates past it
        pytest.param(lambda: secrets.token_urlsafe(2 * MAX_STORED_SESSION_BYTES), id="random"),  # stored past it
    ],
)
async def test_a_session_larger_than_tessera_reads_is_refused_as_oversized_and_left_in_place(
    framework: Framework, grown: Callable[[], str]
) -> None:
    # A legacy app that lets a user grow a session (a cart, a flash queue): tessera must not read it whole.
    cookie = await framework.login({**USER, "cart": grown()})
    with pytest.raises(InvalidLegacySession) as refused:
        await framework.adapter.take(cookie)
    assert refused.value.reason is LegacyRefusal.OVERSIZED
    assert await framework.holds(cookie)
    with pytest.raises(InvalidLegacySession) as again:  # nothing recorded as spent: refused alike, not a replay
        await framework.adapter.take(cookie)
    assert again.value.reason is LegacyRefusal.OVERSIZED


async def test_of_concurrent_exchanges_of_one_cookie_exactly_one_receives_the_session(framework: Framework) -> None:
    cookie = await framework.login(USER)
    results = await asyncio.gather(*(framework.adapter.take(cookie) for _ in range(16)), return_exceptions=True)
    assert [result.user_reference for result in results if not isinstance(result, BaseException)] == ["42"]
    assert all(isinstance(result, LegacySessionRefused) for result in results if isinstance(result, BaseException))


async def test_a_restored_session_can_be_exchanged_again(framework: Framework) -> None:
    cookie = await framework.login(USER)
    taken = await framework.adapter.take(cookie)
    await framework.adapter.restore(taken)
    assert await framework.holds(cookie)
    again = await framework.adapter.take(cookie)
    assert again.data == taken.data and again.expires_at is not None and taken.expires_at is not None
    assert abs(again.expires_at - taken.expires_at) < timedelta(seconds=2)


@asynccontextmanager
async def _django_session_table_on_mysql(mariadb: MariaDb) -> AsyncIterator[tuple[DjangoDbSessions, str]]:
    """A Django `django_session` table written as Django writes it (by the admin), and the name of a
    MySQL user who may do nothing yet: each test grants it what the migration guide says."""
    admin = create_async_engine(mariadb.admin_url)
    table = session_table(f"django_session_{uuid.uuid4().hex[:12]}")
    await create_django_session_table(admin, table)
    bridge_user = f"bridge_{uuid.uuid4().hex[:12]}"
    try:
        yield DjangoDbSessions(admin, table), bridge_user
    finally:
        async with admin.begin() as connection:
            await connection.execute(text(f"DROP USER IF EXISTS '{bridge_user}'@'127.0.0.1'"))
            await connection.run_sync(table.metadata.drop_all)
        await admin.dispose()


def _guides_mysql_grant() -> str:
    """The SQL of docs/migration-guide.md's "MySQL and MariaDB" section, as an operator would run it."""
    section = (REPOSITORY / "docs" / "migration-guide.md").read_text().split("### MySQL and MariaDB\n", 1)[1]
    return section.split("```sql\n", 1)[1].split("```", 1)[0]


async def _granted(django: DjangoDbSessions, user: str, privileges: str) -> AsyncEngine:
    """An engine of `user`, made and granted `privileges` on the session table by the guide's own SQL."""
    url = make_url(django.engine.url.render_as_string(hide_password=False))
    sql = _guides_mysql_grant()
    names = {
        "SELECT, INSERT, DELETE": privileges,
        "mysite.django_session": f"{url.database}.{django.table.name}",
        "'tessera_bridge'@'10.0.0.%'": f"'{user}'@'127.0.0.1'",
    }
    for written, used in names.items():
        assert written in sql, written
        sql = sql.replace(written, used)
    async with django.engine.begin() as connection:
        for statement in filter(str.strip, sql.split(";")):
            await connection.execute(text(statement))
    return create_async_engine(url.set(username=user, password="choose-one"), pool_pre_ping=True)


async def _stored_expiry(django: DjangoDbSessions, cookie: str) -> datetime | None:
    async with django.engine.connect() as connection:
        found = await connection.scalar(select(django.table.c.expire_date).where(django.table.c.session_key == cookie))
    assert found is None or isinstance(found, datetime)
    return found


@pytest.mark.mysql
async def test_on_mysql_a_user_granted_select_insert_delete_exchanges_once_and_restores_the_row_as_it_was(
    mariadb: MariaDb,
) -> None:
    async with _django_session_table_on_mysql(mariadb) as (django, user):
        engine = await _granted(django, user, "SELECT, INSERT, DELETE")
        adapter = DjangoDbLegacySessions(
            engine, django.table, DjangoSecret(django.secret.encode()), DJANGO_USER_KEY, SystemClock()
        )
        cookie = await django.login(USER)
        written = await _stored_expiry(django, cookie)
        assert written is not None and written.tzinfo is None  # naive UTC, as Django writes it on MySQL
        taken = await adapter.take(cookie)
        assert taken.expires_at == written.replace(tzinfo=UTC) and not await django.holds(cookie)
        await adapter.restore(taken)
        assert await _stored_expiry(django, cookie) == written  # the same instant, to the microsecond
        await adapter.restore(taken)  # stored again since: kept, no error
        assert (await adapter.take(cookie)).user_reference == "42"
        await engine.dispose()


@pytest.mark.mysql
async def test_on_mysql_a_user_granted_select_alone_exchanges_read_only_and_refuses_a_replay(
    mariadb: MariaDb,
) -> None:
    async with _django_session_table_on_mysql(mariadb) as (django, user):
        engine = await _granted(django, user, "SELECT")
        secret = DjangoSecret(django.secret.encode())
        spent = InMemorySpentLegacyCookies()
        adapter = DjangoDbLegacySessions(
            engine, django.table, secret, DJANGO_USER_KEY, SystemClock(), read_only_with=spent
        )
        cookie = await django.login(USER)
        assert (await adapter.take(cookie)).user_reference == "42"
        assert await django.holds(cookie)
        with pytest.raises(InvalidLegacySession) as replayed:
            await adapter.take(cookie)
        assert replayed.value.reason is LegacyRefusal.REPLAYED
        writer = DjangoDbLegacySessions(engine, django.table, secret, DJANGO_USER_KEY, SystemClock())
        with pytest.raises(StorageUnavailable):  # the same user without read-only: its DELETE is denied
            await writer.take(cookie)
        assert await django.holds(cookie)
        await engine.dispose()


async def test_an_unreachable_mysql_is_unavailable_storage() -> None:
    bridge = LegacyBridgeSettings(f"django-db+mysql://tessera_bridge:choose-one@127.0.0.1:{free_port()}/mysite")
    engine = create_async_engine(bridge.database_url, pool_pre_ping=True)
    adapter = DjangoDbLegacySessions(
        engine, session_table(), DjangoSecret(new_secret().encode()), DJANGO_USER_KEY, SystemClock()
    )
    with pytest.raises(StorageUnavailable):
        await adapter.take("a" * 32)
    await engine.dispose()


@pytest.mark.mysql
async def test_on_mysql_a_session_restored_with_its_expiry_in_another_time_zone_keeps_the_same_instant(
    mariadb: MariaDb,
) -> None:
    """MySQL's DATETIME holds no zone and the driver drops the offset it is given: the bridge must
    write UTC, as Django does, or a restored session would end hours early or late."""
    async with _django_session_table_on_mysql(mariadb) as (django, user):
        engine = await _granted(django, user, "SELECT, INSERT, DELETE")
        adapter = DjangoDbLegacySessions(
            engine, django.table, DjangoSecret(django.secret.encode()), DJANGO_USER_KEY, SystemClock()
        )
        cookie = await django.login(USER)
        written = await _stored_expiry(django, cookie)
        taken = await adapter.take(cookie)
        assert taken.expires_at is not None
        elsewhere = taken.expires_at.astimezone(timezone(timedelta(hours=-5)))
        await adapter.restore(dataclasses.replace(taken, expires_at=elsewhere))
        assert await _stored_expiry(django, cookie) == written
        await engine.dispose()
