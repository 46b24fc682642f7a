"""The LegacySessions contract, over Litestar's Redis and file stores, express-session on connect-redis,
and the in-memory fake.

Sessions are written by the framework's own store classes, as the legacy application writes them
(Express's by Node: tests/support/express_stores.py). A framework may keep keys of its own beside the
application's (express-session's `cookie`), so the application's keys are compared, not the whole object."""

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from adapters.legacy.file_legacy_sessions import FileLegacySessions
from adapters.legacy.litestar_sessions import SESSION_ID_BYTES, USER_KEY
from adapters.legacy.redis_legacy_sessions import RedisLegacySessions
from adapters.system_clock import SystemClock
from application.errors import StorageUnavailable
from domain.errors import InvalidLegacySession, LegacyRefusal, LegacySessionRefused, MalformedLegacySessionCookie
from tests.support.express_stores import ExpressStore
from tests.support.legacy_stores import LegacyStore, MemoryStore, file_store, new_session_id, redis_store
from tests.support.ports import free_port

pytestmark = pytest.mark.anyio
ADA = {"user_id": str(uuid.uuid4()), "email": "ada@example.com", "flash": ["Welcome back"]}


def holds(data: object, expected: dict[str, object]) -> bool:
    """The session object holds the application's keys and values (the framework may add its own)."""
    return isinstance(data, dict) and data.items() >= expected.items()


def stored(value: bytes | None) -> object:
    return json.loads(value or b"null")


@pytest.fixture(
    params=[
        "memory",
        "file",
        pytest.param("redis", marks=pytest.mark.redis),
        pytest.param("redis-unnamespaced", marks=pytest.mark.redis),
        pytest.param("express", marks=pytest.mark.redis),
    ]
)
async def legacy(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[LegacyStore]:
    store: LegacyStore
    if request.param == "memory":
        store = MemoryStore()
    elif request.param == "file":
        store = file_store(tmp_path / "sessions")
    elif request.param == "express":
        store = ExpressStore(request.getfixturevalue("express_session_writer"), request.getfixturevalue("redis_url"))
    else:
        url = request.getfixturevalue("redis_url")
        namespace = None if request.param == "redis-unnamespaced" else f"LITESTAR_{uuid.uuid4().hex}"
        store = redis_store(url, namespace)
    yield store
    await store.close()


async def test_taking_a_session_returns_what_the_legacy_app_stored_and_deletes_it(legacy: LegacyStore) -> None:
    session_id = new_session_id()
    await legacy.put(session_id, ADA, expires_in=600)
    taken = await legacy.adapter.take(legacy.cookie(session_id))
    assert taken is not None
    assert (taken.session_id, taken.user_reference) == (session_id, ADA["user_id"])
    assert holds(taken.data, ADA) and holds(json.loads(taken.stored), ADA)
    assert taken.expires_at is not None
    assert datetime.now(UTC) < taken.expires_at <= datetime.now(UTC) + timedelta(seconds=600)
    assert await legacy.get(session_id) is None


async def test_a_session_is_taken_only_once(legacy: LegacyStore) -> None:
    session_id = new_session_id()
    await legacy.put(session_id, ADA)
    assert await legacy.adapter.take(legacy.cookie(session_id)) is not None
    with pytest.raises(InvalidLegacySession) as refused:
        await legacy.adapter.take(legacy.cookie(session_id))
    assert refused.value.reason is LegacyRefusal.UNKNOWN


async def test_of_many_concurrent_takes_of_one_session_exactly_one_receives_it(legacy: LegacyStore) -> None:
    session_id = new_session_id()
    await legacy.put(session_id, ADA)
    cookie = legacy.cookie(session_id)
    results = await asyncio.gather(*(legacy.adapter.take(cookie) for _ in range(24)), return_exceptions=True)
    received = [result.data for result in results if not isinstance(result, BaseException)]
    assert len(received) == 1 and holds(received[0], ADA)
    refusals = [result for result in results if isinstance(result, BaseException)]
    assert all(isinstance(r, LegacySessionRefused) and r.reason is LegacyRefusal.UNKNOWN for r in refusals)
    assert await legacy.get(session_id) is None


async def test_an_unknown_session_is_refused_as_unknown(legacy: LegacyStore) -> None:
    with pytest.raises(InvalidLegacySession) as refused:
        await legacy.adapter.take(legacy.cookie(new_session_id()))
    assert refused.value.reason is LegacyRefusal.UNKNOWN


@pytest.mark.parametrize("cookie", ["AB" * 32, "ab" * 31, "ab" * 33, "zz" * 32, "ab" * 31 + "é", "null"])
async def test_a_cookie_litestar_could_not_have_issued_is_malformed_and_changes_nothing(
    legacy: LegacyStore, cookie: str
) -> None:
    session_id = new_session_id()
    await legacy.put(session_id, ADA)
    with pytest.raises(MalformedLegacySessionCookie):
        await legacy.adapter.take(cookie)
    assert holds(stored(await legacy.get(session_id)), ADA)


async def test_an_expired_session_is_refused(legacy: LegacyStore) -> None:
    """Redis drops the key itself (unknown); the file store and the fake still hold it (expired)."""
    session_id = new_session_id()
    await legacy.put(session_id, ADA)
    await legacy.expire(session_id)
    await asyncio.sleep(0.05)
    with pytest.raises(InvalidLegacySession) as refused:
        await legacy.adapter.take(legacy.cookie(session_id))
    assert refused.value.reason in (LegacyRefusal.EXPIRED, LegacyRefusal.UNKNOWN)
    assert await legacy.get(session_id) is None


async def test_taking_one_session_leaves_every_other_untouched(legacy: LegacyStore) -> None:
    taken_id, other_id = new_session_id(), new_session_id()
    await legacy.put(taken_id, ADA)
    await legacy.put(other_id, {"user_id": "someone else"})
    await legacy.adapter.take(legacy.cookie(taken_id))
    assert holds(stored(await legacy.get(other_id)), {"user_id": "someone else"})


async def test_a_value_that_is_not_a_session_object_is_refused_as_unreadable(legacy: LegacyStore) -> None:
    session_id = new_session_id()
    await legacy.put(session_id, ["not", "an", "object"])  # type: ignore[arg-type]
    with pytest.raises(InvalidLegacySession) as refused:
        await legacy.adapter.take(legacy.cookie(session_id))
    assert refused.value.reason is LegacyRefusal.UNREADABLE


async def test_a_session_naming_no_user_is_taken_without_a_user_reference(legacy: LegacyStore) -> None:
    session_id = new_session_id()
    await legacy.put(session_id, {"flash": ["anonymous"]})
    taken = await legacy.adapter.take(legacy.cookie(session_id))
    assert taken.user_reference is None


async def test_a_restored_session_is_readable_by_the_legacy_app_again(legacy: LegacyStore) -> None:
    session_id = new_session_id()
    await legacy.put(session_id, ADA, expires_in=600)
    taken = await legacy.adapter.take(legacy.cookie(session_id))
    assert taken is not None
    await legacy.adapter.restore(taken)
    assert holds(stored(await legacy.get(session_id)), ADA)
    again = await legacy.adapter.take(legacy.cookie(session_id))
    assert again is not None and again.expires_at is not None and taken.expires_at is not None
    assert abs(again.expires_at - taken.expires_at) < timedelta(seconds=2)


async def test_restoring_never_overwrites_a_session_stored_since(legacy: LegacyStore) -> None:
    session_id = new_session_id()
    await legacy.put(session_id, ADA)
    taken = await legacy.adapter.take(legacy.cookie(session_id))
    assert taken is not None
    await legacy.put(session_id, {"user_id": "newer"})
    await legacy.adapter.restore(taken)
    assert holds(stored(await legacy.get(session_id)), {"user_id": "newer"})


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
