"""The framework formats the bridge decodes, against values made by the frameworks' own code:
Django's signing (fallback keys, a pickled session), Flask's tagged JSON, Flask-Session's
serialisers (and its pickle fallback, which tessera refuses)."""

import pickle
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from unittest import mock

import anyio
import itsdangerous
import msgspec
import pytest
from django.core import signing
from flask import Flask
from flask.json.tag import TaggedJSONSerializer

from adapters.legacy.django_file_legacy_sessions import DjangoFileLegacySessions
from adapters.legacy.django_sessions import COOKIE_AGE, FILE_PREFIX, USER_KEY, password_unchanged
from adapters.legacy.django_signed_cookie_legacy_sessions import DjangoSignedCookieLegacySessions
from adapters.legacy.django_signing import (
    SIGNED_COOKIES_SALT,
    STORED_SESSION_SALT,
    DjangoSecret,
    session_auth_hash,
    session_object,
    unsign,
)
from adapters.legacy.flask_cookie_legacy_sessions import FlaskCookieLegacySessions
from adapters.legacy.flask_session_redis_legacy_sessions import _decoded
from adapters.legacy.flask_signing import cookie_session
from adapters.memory.in_memory_spent_legacy_cookies import InMemorySpentLegacyCookies
from adapters.system_clock import SystemClock
from domain.errors import InvalidLegacySession, LegacyRefusal, MalformedLegacySessionCookie
from domain.legacy_sessions import LegacySession
from tests.support.django_sessions import django_settings, new_secret
from tests.support.hostile_sessions import DEEP, DEEP_JSON, RawSerializer, signed_as_flask

SESSION = {"_auth_user_id": "7", "flash": ["hello"]}


class PickleSerializer:
    """What Django's removed `PickleSerializer` wrote, and what a project may still configure."""

    def dumps(self, obj: object) -> bytes:
        return pickle.dumps(obj, pickle.HIGHEST_PROTOCOL)

    def loads(self, data: bytes) -> object:
        raise AssertionError("tessera must never unpickle")


def test_a_django_session_signed_with_a_fallback_key_verifies() -> None:
    old, new = new_secret(), new_secret()
    with django_settings(old):
        signed = signing.dumps(SESSION, salt=STORED_SESSION_SALT, compress=True)
    payload, _ = unsign(signed, STORED_SESSION_SALT, DjangoSecret(new.encode(), (old.encode(),)))
    assert session_object(payload) == SESSION
    with pytest.raises(InvalidLegacySession) as refused:
        unsign(signed, STORED_SESSION_SALT, DjangoSecret(new.encode()))
    assert refused.value.reason is LegacyRefusal.BAD_SIGNATURE


def test_a_pickled_django_session_is_refused_as_pickled_without_being_loaded() -> None:
    secret = new_secret()
    with django_settings(secret):
        signed = signing.dumps(SESSION, salt=STORED_SESSION_SALT, serializer=PickleSerializer, compress=True)
    payload, _ = unsign(signed, STORED_SESSION_SALT, DjangoSecret(secret.encode()))
    with pytest.raises(InvalidLegacySession) as refused:
        session_object(payload)
    assert refused.value.reason is LegacyRefusal.PICKLED


@pytest.mark.parametrize("value", ["", "abc", "no-signature", ":", "a:b", "payload:!!:sig"])
def test_a_value_of_another_shape_than_djangos_signing_is_malformed(value: str) -> None:
    with pytest.raises(MalformedLegacySessionCookie):
        unsign(value, STORED_SESSION_SALT, DjangoSecret(b"key"))


def test_the_auth_hash_is_djangos_salted_hmac_of_the_password_hash() -> None:
    """The key salt and algorithm as `AbstractBaseUser._get_session_auth_hash` has them, computed by
    Django's own `salted_hmac`."""
    from django.utils.crypto import salted_hmac

    secret, password_hash = new_secret(), "pbkdf2_sha256$1000000$salt$abcdef"
    expected = salted_hmac(
        "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash",
        password_hash,
        secret=secret,
        algorithm="sha256",
    ).hexdigest()
    assert session_auth_hash(password_hash, secret.encode()) == expected
    session = LegacySession("k", {"_auth_user_hash": expected}, b"", None, "7")
    assert password_unchanged(session, password_hash, DjangoSecret(secret.encode()))
    assert not password_unchanged(session, "pbkdf2_sha256$1000000$salt$changed", DjangoSecret(secret.encode()))
    assert password_unchanged(session, "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA", DjangoSecret(secret.encode()))
    assert not password_unchanged(LegacySession("k", {}, b"", None, "7"), password_hash, DjangoSecret(secret.encode()))


def test_flasks_tagged_values_come_out_as_plain_json_values() -> None:
    app = Flask(__name__)
    app.config["SECRET_KEY"] = "s" * 32
    data = {"_user_id": "7", "pair": (1, 2), "raw": b"\x00\x01", "when": datetime(2026, 1, 2, tzinfo=UTC), " t": "x"}
    serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
    assert serializer is not None and isinstance(serializer.serializer, TaggedJSONSerializer)
    cookie = serializer.dumps(data)
    session, _ = cookie_session(cookie, (b"s" * 32,))
    assert session["_user_id"] == "7" and session["pair"] == [1, 2] and session[" t"] == "x"
    assert isinstance(session["raw"], str) and isinstance(session["when"], str)


def test_flask_session_values_decode_from_msgpack_or_json_and_a_pickle_is_refused() -> None:
    assert _decoded(msgspec.msgpack.encode({"_user_id": "7"})) == {"_user_id": "7"}
    assert _decoded(msgspec.json.encode({"_user_id": "7"})) == {"_user_id": "7"}
    with pytest.raises(InvalidLegacySession) as refused:
        _decoded(pickle.dumps({"_user_id": "7"}))
    assert refused.value.reason is LegacyRefusal.PICKLED
    with pytest.raises(InvalidLegacySession) as unreadable:
        _decoded(msgspec.json.encode(["not", "a", "session"]))
    assert unreadable.value.reason is LegacyRefusal.UNREADABLE


def test_a_signed_django_session_nested_too_deep_to_decode_is_unreadable_not_a_crash() -> None:
    secret = new_secret()
    with django_settings(secret):
        signed = signing.dumps(DEEP_JSON, salt=STORED_SESSION_SALT, serializer=RawSerializer, compress=True)
    payload, _ = unsign(signed, STORED_SESSION_SALT, DjangoSecret(secret.encode()))
    with pytest.raises(InvalidLegacySession) as refused:
        session_object(payload)
    assert refused.value.reason is LegacyRefusal.UNREADABLE


@pytest.mark.parametrize("prepared", [DEEP_JSON, b'{" di": ["not", "a", "dict"]}', b'{"a": {" di": 7}}'])
def test_a_signed_flask_cookie_it_cannot_decode_is_unreadable_not_a_crash(prepared: bytes) -> None:
    """Nested too deep for the decoder, or a tagged dict (` di`) holding no dict."""
    with pytest.raises(InvalidLegacySession) as refused:
        cookie_session(signed_as_flask(prepared), (b"s" * 32,))
    assert refused.value.reason is LegacyRefusal.UNREADABLE


@pytest.mark.parametrize("value", [DEEP_JSON, b"\x81\xa4cart" + b"\x91" * DEEP + b"\xc0"], ids=["json", "msgpack"])
def test_a_flask_session_value_nested_too_deep_to_decode_is_unreadable_not_a_crash(value: bytes) -> None:
    with pytest.raises(InvalidLegacySession) as refused:
        _decoded(value)
    assert refused.value.reason is LegacyRefusal.UNREADABLE


@pytest.mark.parametrize("framework", ["express", "litestar"])
def test_a_stored_json_session_nested_too_deep_to_decode_is_unreadable_not_a_crash(framework: str) -> None:
    """Express (connect-redis) and Litestar stores hold JSON the legacy app wrote unsigned; V8's
    JSON.stringify nests far deeper than Python's decoders read."""
    from adapters.legacy import express_sessions, litestar_sessions

    module = express_sessions if framework == "express" else litestar_sessions
    with pytest.raises(InvalidLegacySession) as refused:
        module.decoded("sid", DEEP_JSON, None, module.USER_KEY)
    assert refused.value.reason is LegacyRefusal.UNREADABLE


@pytest.mark.anyio
async def test_a_django_session_file_nested_too_deep_to_decode_is_refused_and_left_in_place(tmp_path: Path) -> None:
    """The file backend claims (renames) a file before reading it: a decoding crash used to leave it
    claimed under a hidden name, the session lost to both apps."""
    secret = new_secret()
    key = "a" * 32
    with django_settings(secret):
        content = signing.dumps(DEEP_JSON, salt=STORED_SESSION_SALT, serializer=RawSerializer, compress=True)
    (tmp_path / f"{FILE_PREFIX}{key}").write_text(content)
    adapter = DjangoFileLegacySessions(
        tmp_path, FILE_PREFIX, timedelta(seconds=COOKIE_AGE), DjangoSecret(secret.encode()), USER_KEY, SystemClock()
    )
    with pytest.raises(InvalidLegacySession) as refused:
        await adapter.take(key)
    assert refused.value.reason is LegacyRefusal.UNREADABLE
    assert _directory(tmp_path) == {f"{FILE_PREFIX}{key}": content}


def _directory(directory: Path) -> dict[str, str]:
    return {path.name: path.read_text() for path in directory.iterdir()}


def _django_signed_cookie(secret: str, stamp: str) -> str:
    """A `signed_cookies` session of `{}` signed at the base62 `stamp`, as TimestampSigner signs."""
    return signing.Signer(key=secret, salt=SIGNED_COOKIES_SALT).sign(f"e30:{stamp}")


def _flask_cookie(secret: str, signed_at: int) -> str:
    app = Flask(__name__)
    app.config["SECRET_KEY"] = secret
    serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
    with mock.patch("itsdangerous.timed.time.time", return_value=signed_at):
        return serializer.dumps({"_user_id": "7"})


@pytest.mark.anyio
@pytest.mark.parametrize("framework", ["django", "flask"])
async def test_a_signed_cookie_stamped_beyond_the_calendar_is_unreadable_not_a_crash(framework: str) -> None:
    """Only a holder of the secret can sign one; still a refusal, never a server error."""
    secret = new_secret()
    spent = InMemorySpentLegacyCookies()
    adapter: DjangoSignedCookieLegacySessions | FlaskCookieLegacySessions
    if framework == "django":
        cookie = _django_signed_cookie(secret, "z" * 20)
        adapter = DjangoSignedCookieLegacySessions(
            spent, timedelta(seconds=COOKIE_AGE), DjangoSecret(secret.encode()), USER_KEY, SystemClock()
        )
    else:
        cookie = _flask_cookie(secret, 10**15)
        adapter = FlaskCookieLegacySessions(spent, timedelta(days=31), (secret.encode(),), USER_KEY, SystemClock())
    with pytest.raises(InvalidLegacySession) as refused:
        await adapter.take(cookie)
    assert refused.value.reason is LegacyRefusal.UNREADABLE
    assert spent.spent == {}


@pytest.mark.anyio
async def test_a_flask_cookie_signed_in_the_future_is_refused_as_flask_refuses_it() -> None:
    """itsdangerous' `loads(max_age=…)` raises SignatureExpired for a negative age: Flask starts a
    new, empty session instead, so the cookie logs nobody in there and is not exchanged here."""
    secret = new_secret()
    future = int(time.time()) + 3600
    cookie = _flask_cookie(secret, future)
    app = Flask(__name__)
    app.config["SECRET_KEY"] = secret
    serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
    with pytest.raises(itsdangerous.SignatureExpired):
        serializer.loads(cookie, max_age=int(app.permanent_session_lifetime.total_seconds()))
    spent = InMemorySpentLegacyCookies()
    adapter = FlaskCookieLegacySessions(spent, timedelta(days=31), (secret.encode(),), USER_KEY, SystemClock())
    with pytest.raises(InvalidLegacySession) as refused:
        await adapter.take(cookie)
    assert refused.value.reason is LegacyRefusal.EXPIRED
    assert spent.spent == {}
    taken = await adapter.take(_flask_cookie(secret, int(time.time()) + 5))  # a Flask host's clock a little ahead
    assert taken.data == {"_user_id": "7"} and len(spent.spent) == 1


@pytest.mark.anyio
async def test_a_django_session_file_expiring_beyond_the_calendar_is_refused_and_left_in_place(tmp_path: Path) -> None:
    """`set_expiry(10**12)` keeps an integer Django honours as an age; its date is past year 9999."""
    secret = new_secret()
    key = "b" * 32
    session = b'{"_auth_user_id":"7","_session_expiry":1000000000000}'
    with django_settings(secret):
        content = signing.dumps(session, salt=STORED_SESSION_SALT, serializer=RawSerializer, compress=True)
    (tmp_path / f"{FILE_PREFIX}{key}").write_text(content)
    adapter = DjangoFileLegacySessions(
        tmp_path, FILE_PREFIX, timedelta(seconds=COOKIE_AGE), DjangoSecret(secret.encode()), USER_KEY, SystemClock()
    )
    with pytest.raises(InvalidLegacySession) as refused:
        await adapter.take(key)
    assert refused.value.reason is LegacyRefusal.UNREADABLE
    assert _directory(tmp_path) == {f"{FILE_PREFIX}{key}": content}


@pytest.mark.anyio
async def test_a_django_session_file_is_put_back_whatever_fails_while_it_is_claimed(tmp_path: Path) -> None:
    secret = new_secret()
    key = "c" * 32
    with django_settings(secret):
        content = signing.dumps(b'{"_auth_user_id":"7"}', salt=STORED_SESSION_SALT, serializer=RawSerializer)
    (tmp_path / f"{FILE_PREFIX}{key}").write_text(content)
    adapter = DjangoFileLegacySessions(
        tmp_path, FILE_PREFIX, timedelta(seconds=COOKIE_AGE), DjangoSecret(secret.encode()), USER_KEY, SystemClock()
    )
    with (
        mock.patch.object(DjangoFileLegacySessions, "_expiry", side_effect=RuntimeError("a bug")),
        pytest.raises(RuntimeError),
    ):
        await adapter.take(key)
    assert _directory(tmp_path) == {f"{FILE_PREFIX}{key}": content}


def test_an_auth_hash_with_non_ascii_characters_is_a_changed_password_not_a_crash() -> None:
    """`hmac.compare_digest` raises TypeError for str with non-ASCII characters."""
    session = LegacySession("k", {"_auth_user_hash": "é" * 64}, b"", None, "7")
    assert not password_unchanged(session, "pbkdf2_sha256$1000000$salt$abcdef", DjangoSecret(b"key"))


@pytest.mark.anyio
async def test_a_litestar_file_session_with_a_naive_expiry_is_unreadable_not_a_crash(tmp_path: Path) -> None:
    """Litestar writes an aware instant (a MessagePack timestamp); a naive one cannot be compared."""
    from adapters.legacy.file_legacy_sessions import FileLegacySessions
    from adapters.legacy.litestar_sessions import USER_KEY as LITESTAR_USER_KEY

    adapter = FileLegacySessions(tmp_path, 16, LITESTAR_USER_KEY, SystemClock())
    session_id = "ab" * 16
    content = msgspec.msgpack.encode({"expires_at": "2999-01-01T00:00:00", "data": b'{"user_id": "7"}'})
    await anyio.Path(adapter.path(session_id)).write_bytes(content)
    with pytest.raises(InvalidLegacySession) as refused:
        await adapter.take(session_id)
    assert refused.value.reason is LegacyRefusal.UNREADABLE
