"""express-session's signed cookie and connect-redis' stored value, read as Express reads them.

The expected cookies are what Node's `cookie-signature` (1.0.7, express-session's) and `cookie`
packages produced for these ids and secrets (`"s:" + sign(sid, secret)`, then `cookie.serialize`);
tests/legacy/test_express_session_exchange.py reads cookies a live Express app sets."""

import json
from datetime import UTC, datetime, timedelta

import pytest

from adapters.legacy.express_sessions import USER_KEY, cookie_expiry, decoded, session_id_of, signature
from domain.errors import InvalidLegacySession, LegacyRefusal, MalformedLegacySessionCookie
from domain.legacy_sessions import UserKeyPath

SID = "oN9x3gBjgnDRbBVIzCGpoTLiO8l0waQQ"
KEYBOARD_CAT = b"keyboard cat"
NODE_VECTORS = [
    (SID, KEYBOARD_CAT, "s%3AoN9x3gBjgnDRbBVIzCGpoTLiO8l0waQQ.8IabV0o5sUbAvOmXIHLxjkJtWyZuUmvaPEcF6ivRZcs"),
    (SID, "clé secrète ✓".encode(), "s%3AoN9x3gBjgnDRbBVIzCGpoTLiO8l0waQQ.jTXwWySeBJGZkz2jLGOUIWobeGvJr5kx1d1YOGjVYv4"),
    ("a.b.c", KEYBOARD_CAT, "s%3Aa.b.c.G8ReS2HiYVtvMBGFvZUGp5RaCauWFLUTjnnTm%2FEQ2aE"),
]


@pytest.mark.parametrize(("session_id", "secret", "cookie"), NODE_VECTORS)
def test_a_cookie_signed_by_express_yields_its_session_id(session_id: str, secret: bytes, cookie: str) -> None:
    assert session_id_of(cookie, [secret]) == session_id


@pytest.mark.parametrize(("session_id", "secret", "cookie"), NODE_VECTORS)
def test_the_signature_is_cookie_signatures(session_id: str, secret: bytes, cookie: str) -> None:
    assert cookie.replace("%3A", ":").replace("%2F", "/") == f"s:{session_id}.{signature(session_id, secret)}"


def test_the_decoded_form_of_the_cookie_is_read_alike() -> None:
    cookie = NODE_VECTORS[2][2]
    assert session_id_of(cookie.replace("%3A", ":").replace("%2F", "/"), [KEYBOARD_CAT]) == "a.b.c"
    assert session_id_of(cookie.replace("%3A", "%3a"), [KEYBOARD_CAT]) == "a.b.c"


def test_any_of_the_rotated_secrets_verifies_as_express_session_accepts_them() -> None:
    cookie = NODE_VECTORS[0][2]
    assert session_id_of(cookie, [b"the new secret", KEYBOARD_CAT]) == SID


@pytest.mark.parametrize(
    "cookie",
    [
        NODE_VECTORS[0][2][:-1] + "d",  # a tampered signature
        NODE_VECTORS[0][2].replace("oN9x", "oN9y"),  # another id under the old signature
        NODE_VECTORS[0][2][:-5],  # a cut signature
        "s:oN9x3gBjgnDRbBVIzCGpoTLiO8l0waQQ.signé",  # not even base64
        "s%3Aid%E2%9C%93.8IabV0o5sUbAvOmXIHLxjkJtWyZuUmvaPEcF6ivRZcs",  # a non-ASCII id
        f"s:{SID}",  # no signature
        "s:.8IabV0o5sUbAvOmXIHLxjkJtWyZuUmvaPEcF6ivRZcs",  # no id
        f"s:{SID}.",  # an empty signature
        "s%3A%FF%FE.abc",  # escapes of no UTF-8 text
        "s%3A",
    ],
)
def test_a_tampered_cookie_is_a_bad_signature(cookie: str) -> None:
    with pytest.raises(InvalidLegacySession) as refused:
        session_id_of(cookie, [KEYBOARD_CAT])
    assert refused.value.reason is LegacyRefusal.BAD_SIGNATURE


def test_a_cookie_signed_with_another_apps_secret_is_a_bad_signature() -> None:
    with pytest.raises(InvalidLegacySession) as refused:
        session_id_of(NODE_VECTORS[0][2], [b"this app's secret", b"its previous secret"])
    assert refused.value.reason is LegacyRefusal.BAD_SIGNATURE


@pytest.mark.parametrize(
    "cookie",
    [
        SID,  # unsigned: express-session ignores it
        f'"s:{SID}.8IabV0o5sUbAvOmXIHLxjkJtWyZuUmvaPEcF6ivRZcs"',  # quoted: the HTTP edge unquotes a cookie
        "j%3A%7B%7D",  # cookie-parser's JSON cookie
        "s:" + "a" * 9000 + ".sig",  # longer than any browser sends
        "s:a\ud800.sig",  # a lone surrogate: no UTF-8 text
        "",
    ],
)
def test_a_value_that_is_not_express_sessions_signed_form_is_malformed(cookie: str) -> None:
    with pytest.raises(MalformedLegacySessionCookie):
        session_id_of(cookie, [KEYBOARD_CAT])


EXPIRES = "2026-12-06T05:00:00.123Z"
PASSPORT_SESSION = {
    "cookie": {"originalMaxAge": 3600000, "expires": EXPIRES, "httpOnly": True, "path": "/", "sameSite": "lax"},
    "passport": {"user": 42},
}


def test_passports_user_id_is_the_user_reference_as_decimal_text() -> None:
    session = decoded(SID, json.dumps(PASSPORT_SESSION).encode(), None, USER_KEY)
    assert (session.session_id, session.data, session.user_reference) == (SID, {"passport": {"user": 42}}, "42")
    assert json.loads(session.stored) == PASSPORT_SESSION, "express-session's cookie is kept for a restore"


def test_a_configured_path_finds_a_user_the_app_keeps_elsewhere() -> None:
    stored = json.dumps({"cookie": PASSPORT_SESSION["cookie"], "auth": {"account": {"id": "u-7"}}}).encode()
    assert decoded(SID, stored, None, UserKeyPath.parse("auth.account.id")).user_reference == "u-7"


def test_an_anonymous_session_names_no_user() -> None:
    stored = json.dumps({"cookie": PASSPORT_SESSION["cookie"], "views": 3}).encode()
    assert decoded(SID, stored, None, USER_KEY).user_reference is None


def test_the_session_expires_at_the_earlier_of_the_redis_ttl_and_cookie_expires() -> None:
    expires = datetime(2026, 12, 6, 5, 0, 0, 123000, tzinfo=UTC)
    stored = json.dumps(PASSPORT_SESSION).encode()
    assert decoded(SID, stored, None, USER_KEY).expires_at == expires
    assert decoded(SID, stored, expires + timedelta(days=1), USER_KEY).expires_at == expires
    assert decoded(SID, stored, expires - timedelta(minutes=1), USER_KEY).expires_at == expires - timedelta(minutes=1)


def test_a_browser_session_cookie_has_no_expiry_of_its_own() -> None:
    assert cookie_expiry({"cookie": {"originalMaxAge": None, "expires": None}}) is None


@pytest.mark.parametrize(
    "stored",
    [
        b"not json",
        b'["a", "list"]',
        b"\xff\xfe",
        json.dumps({"cookie": "not an object"}).encode(),
        json.dumps({"cookie": {"expires": 1765000000}}).encode(),
        json.dumps({"cookie": {"expires": "yesterday"}}).encode(),
        json.dumps({"cookie": {"expires": "2026-12-06T05:00:00"}}).encode(),  # no zone: not Date.toJSON()
    ],
)
def test_a_value_that_is_not_an_express_session_is_unreadable(stored: bytes) -> None:
    with pytest.raises(InvalidLegacySession) as refused:
        decoded(SID, stored, None, USER_KEY)
    assert refused.value.reason is LegacyRefusal.UNREADABLE
