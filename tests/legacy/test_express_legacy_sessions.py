"""What the connect-redis adapter adds to the LegacySessions contract (tests/legacy/test_legacy_sessions.py
runs that over it too): express-session's signed cookie and its secrets, the session's own
`cookie.expires`, and values that are not express-session's JSON. Sessions and cookies are made by
express-session and connect-redis themselves, in Node (tests/support/express.py)."""

import asyncio
import json
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime

import pytest
from redis.asyncio import Redis

from adapters.legacy.connect_redis_legacy_sessions import ConnectRedisLegacySessions
from adapters.legacy.express_sessions import USER_KEY
from adapters.system_clock import SystemClock
from application.errors import StorageUnavailable
from deploy.ports import free_port
from domain.errors import InvalidLegacySession, LegacyRefusal, MalformedLegacySessionCookie
from domain.legacy_sessions import UserKeyPath
from tests.support.express import ExpressSessionWriter, running_session_writer
from tests.support.express_stores import PREFIX, SECRETS

pytestmark = [pytest.mark.anyio, pytest.mark.redis]
LOGGED_IN = {"passport": {"user": 42}, "flash": ["Welcome back"]}


def new_sid() -> str:
    return uuid.uuid4().hex


@pytest.fixture
def app(express_session_writer: ExpressSessionWriter) -> ExpressSessionWriter:
    """The Express app of the whole run, signing with the first of SECRETS."""
    return express_session_writer


@pytest.fixture
async def redis(redis_url: str) -> AsyncIterator[Redis]:
    client = Redis.from_url(redis_url)
    yield client
    await client.aclose()


def adapter(client: Redis, secrets: list[str] = SECRETS, prefix: str = PREFIX) -> ConnectRedisLegacySessions:
    return ConnectRedisLegacySessions(client, [s.encode() for s in secrets], prefix, USER_KEY, SystemClock())


@pytest.fixture(scope="module")
def old_app(redis_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ExpressSessionWriter]:
    """The app before its secret was rotated: it signed with what is now the second secret."""
    with running_session_writer(tmp_path_factory.mktemp("old-app"), redis_url, SECRETS[1:]) as writer:
        yield writer


@pytest.fixture(scope="module")
def untimed_app(redis_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ExpressSessionWriter]:
    """connect-redis with `disableTTL`: keys stay in Redis past their session's `cookie.expires`."""
    with running_session_writer(tmp_path_factory.mktemp("untimed"), redis_url, SECRETS, disable_ttl=True) as writer:
        yield writer


async def test_passports_user_id_is_the_user_reference(app: ExpressSessionWriter, redis: Redis) -> None:
    sid = new_sid()
    cookie = app.put(sid, LOGGED_IN)
    taken = await adapter(redis).take(cookie)
    assert (taken.session_id, taken.data, taken.user_reference) == (sid, LOGGED_IN, "42")
    assert json.loads(taken.stored)["cookie"]["originalMaxAge"] == 3_600_000


async def test_an_anonymous_session_is_taken_without_a_user_reference(app: ExpressSessionWriter, redis: Redis) -> None:
    """An app that keeps a cart before login (`saveUninitialized` or a write to the session)."""
    taken = await adapter(redis).take(app.put(new_sid(), {"cart": [3, 5]}))
    assert (taken.data, taken.user_reference) == ({"cart": [3, 5]}, None)


async def test_a_user_serialised_as_an_object_is_found_at_a_configured_path(
    app: ExpressSessionWriter, redis: Redis
) -> None:
    """`serializeUser` may return `{id, role}`: TESSERA_LEGACY_USER_KEY=passport.user.id."""
    cookie = app.put(new_sid(), {"passport": {"user": {"id": 7, "role": "admin"}}})
    sessions = ConnectRedisLegacySessions(
        redis, [s.encode() for s in SECRETS], PREFIX, UserKeyPath.parse("passport.user.id"), SystemClock()
    )
    assert (await sessions.take(cookie)).user_reference == "7"


async def test_a_cookie_signed_with_a_secret_since_rotated_out_of_first_place_is_taken(
    old_app: ExpressSessionWriter, redis: Redis
) -> None:
    cookie = old_app.put(new_sid(), LOGGED_IN)
    assert (await adapter(redis).take(cookie)).user_reference == "42"


@pytest.mark.parametrize("secrets", [["another app's secret"], SECRETS[1:]], ids=["foreign", "rotated out"])
async def test_a_cookie_no_configured_secret_signed_is_a_bad_signature_and_consumes_nothing(
    app: ExpressSessionWriter, redis: Redis, secrets: list[str]
) -> None:
    sid = new_sid()
    cookie = app.put(sid, LOGGED_IN)
    with pytest.raises(InvalidLegacySession) as refused:
        await adapter(redis, secrets).take(cookie)
    assert refused.value.reason is LegacyRefusal.BAD_SIGNATURE
    assert app.get(sid) is not None


async def test_a_tampered_signature_is_refused_before_redis_is_asked(
    app: ExpressSessionWriter,
) -> None:
    """Redis is unreachable here: a forged cookie is still a bad signature, not an outage."""
    cookie = app.put(new_sid(), LOGGED_IN)
    unreachable = Redis.from_url(f"redis://127.0.0.1:{free_port()}/0", socket_connect_timeout=1)
    with pytest.raises(InvalidLegacySession) as refused:
        await adapter(unreachable).take(cookie[:-2] + ("xy" if not cookie.endswith("xy") else "yx"))
    assert refused.value.reason is LegacyRefusal.BAD_SIGNATURE
    with pytest.raises(StorageUnavailable):
        await adapter(unreachable).take(cookie)
    await unreachable.aclose()


async def test_an_unsigned_cookie_is_malformed(app: ExpressSessionWriter, redis: Redis) -> None:
    sid = new_sid()
    app.put(sid, LOGGED_IN)
    with pytest.raises(MalformedLegacySessionCookie):
        await adapter(redis).take(sid)
    assert app.get(sid) is not None


async def test_a_session_id_made_by_a_custom_genid_is_read_to_its_last_dot(
    app: ExpressSessionWriter, redis: Redis
) -> None:
    sid = f"tenant.{new_sid()}.v2"
    cookie = app.put(sid, LOGGED_IN)
    assert (await adapter(redis).take(cookie)).session_id == sid
    assert app.get(sid) is None


async def test_a_session_past_its_cookie_expiry_is_refused_as_expired_and_consumed(
    untimed_app: ExpressSessionWriter, redis: Redis
) -> None:
    sid = new_sid()
    cookie = untimed_app.put(sid, LOGGED_IN, max_age_ms=200)
    session = untimed_app.get(sid)
    assert session is not None and await redis.ttl(PREFIX + sid) == -1, "connect-redis set no TTL"
    expires = datetime.fromisoformat(session["cookie"]["expires"])
    deadline = time.monotonic() + 5
    while datetime.now(UTC) <= expires:
        assert time.monotonic() < deadline
        await asyncio.sleep(0.02)
    with pytest.raises(InvalidLegacySession) as refused:
        await adapter(redis).take(cookie)
    assert refused.value.reason is LegacyRefusal.EXPIRED
    assert untimed_app.get(sid) is None


async def test_a_session_without_an_expiry_anywhere_is_taken_and_restored_as_it_was(
    untimed_app: ExpressSessionWriter, redis: Redis
) -> None:
    sid = new_sid()
    cookie = untimed_app.put(sid, LOGGED_IN, max_age_ms=None)
    sessions = adapter(redis)
    taken = await sessions.take(cookie)
    assert taken.expires_at is None
    await sessions.restore(taken)
    assert await redis.ttl(PREFIX + sid) == -1
    assert untimed_app.get(sid) == json.loads(taken.stored)


@pytest.mark.parametrize(
    "value",
    [b"\x80\x04\x95 pickled", b'j:{"passport":{"user":42}}', b"[1, 2]", b'{"cookie": "not an object"}'],
    ids=["pickle", "another serializer", "not an object", "no cookie object"],
)
async def test_a_value_that_is_not_express_sessions_json_is_unreadable_and_never_decoded_otherwise(
    app: ExpressSessionWriter, redis: Redis, value: bytes
) -> None:
    sid = new_sid()
    await redis.set(PREFIX + sid, value, ex=60)
    with pytest.raises(InvalidLegacySession) as refused:
        await adapter(redis).take(app.cookie(sid))
    assert refused.value.reason is LegacyRefusal.UNREADABLE


async def test_a_key_holding_no_string_is_unreadable(app: ExpressSessionWriter, redis: Redis) -> None:
    sid = new_sid()
    await redis.hset(PREFIX + sid, mapping={"passport": "42"})
    with pytest.raises(InvalidLegacySession) as refused:
        await adapter(redis).take(app.cookie(sid))
    assert refused.value.reason is LegacyRefusal.UNREADABLE


async def test_the_key_prefix_is_connect_redis_prefix_verbatim(
    redis_url: str, redis: Redis, tmp_path_factory: pytest.TempPathFactory
) -> None:
    with running_session_writer(tmp_path_factory.mktemp("prefixed"), redis_url, SECRETS, prefix="myapp:") as writer:
        sid = new_sid()
        cookie = writer.put(sid, LOGGED_IN)
        with pytest.raises(InvalidLegacySession):
            await adapter(redis).take(cookie)  # the default `sess:` finds nothing
        assert writer.get(sid) is not None
        assert (await adapter(redis, prefix="myapp:").take(cookie)).user_reference == "42"
