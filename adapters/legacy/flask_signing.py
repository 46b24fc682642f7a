"""Flask's signed cookie session, verified and decoded the way itsdangerous and Flask do it.

`SecureCookieSessionInterface` signs with `URLSafeTimedSerializer(keys, salt="cookie-session",
signer_kwargs={"key_derivation": "hmac", "digest_method": sha1})`: the cookie is
`<payload>.<timestamp>.<signature>`, the payload URL-safe base64 (unpadded) of the compact tagged
JSON of the session, zlib-compressed and prefixed with "." when that is shorter; the timestamp
URL-safe base64 of the big-endian seconds; the signature URL-safe base64 of
HMAC-SHA1(key=HMAC-SHA1(SECRET_KEY, salt), "<payload>.<timestamp>"). Any of
`SECRET_KEY_FALLBACKS` verifies too. Flask honours the cookie for `PERMANENT_SESSION_LIFETIME`
after it was signed (`loads(max_age=…)`), whether or not the session is permanent.

Flask-Session's signed session id (`SESSION_USE_SIGNER`) is itsdangerous' plain `Signer` with
salt "flask-session": `<sid>.<signature>`, the same HMAC-SHA1 with its own derived key.
"""

import base64
import binascii
import hashlib
import hmac
import json
import zlib
from typing import Any

from domain.errors import InvalidLegacySession, LegacyRefusal, MalformedLegacySessionCookie
from domain.legacy_sessions import MAX_STORED_SESSION_BYTES

COOKIE_SESSION_SALT = b"cookie-session"
FLASK_SESSION_SALT = b"flask-session"
_B64 = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
_TAGS = frozenset((" t", " u", " b", " m", " d", " di"))


def _b64decode(text: bytes) -> bytes:
    if not set(text) <= _B64:
        raise ValueError("not URL-safe base64")
    return base64.urlsafe_b64decode(text + b"=" * (-len(text) % 4))


def signature(value: bytes, salt: bytes, secret: bytes) -> bytes:
    """itsdangerous' `Signer.get_signature` with `key_derivation="hmac"` and SHA-1."""
    key = hmac.new(secret, salt, hashlib.sha1).digest()
    return base64.urlsafe_b64encode(hmac.new(key, value, hashlib.sha1).digest()).rstrip(b"=")


def unsign(signed: bytes, salt: bytes, secrets: tuple[bytes, ...]) -> bytes:
    """The value before the last ".", if its signature verifies with one of the secrets."""
    value, separator, presented = signed.rpartition(b".")
    if not separator or not value:
        raise MalformedLegacySessionCookie
    for secret in secrets:
        if hmac.compare_digest(presented, signature(value, salt, secret)):
            return value
    raise InvalidLegacySession(LegacyRefusal.BAD_SIGNATURE)


def cookie_session(cookie: str, secrets: tuple[bytes, ...]) -> tuple[dict[str, Any], int]:
    """The session dict of Flask's session cookie and its signing time (seconds since the epoch)."""
    try:
        raw = cookie.encode("ascii")
    except UnicodeEncodeError:
        raise MalformedLegacySessionCookie from None
    value = unsign(raw, COOKIE_SESSION_SALT, secrets)
    payload, separator, stamp = value.rpartition(b".")
    if not separator or not payload:
        raise MalformedLegacySessionCookie
    try:
        signed_at = int.from_bytes(_b64decode(stamp), "big")
        compressed = payload.startswith(b".")
        data = _b64decode(payload.removeprefix(b"."))
        if compressed:
            inflater = zlib.decompressobj()
            data = inflater.decompress(data, MAX_STORED_SESSION_BYTES + 1)
        if len(data) > MAX_STORED_SESSION_BYTES:
            raise InvalidLegacySession(LegacyRefusal.OVERSIZED)
        session = untagged(json.loads(data))
    except (ValueError, binascii.Error, zlib.error, UnicodeDecodeError, RecursionError):  # too deep: refused
        raise InvalidLegacySession(LegacyRefusal.UNREADABLE) from None
    if not isinstance(session, dict):
        raise InvalidLegacySession(LegacyRefusal.UNREADABLE)
    return session, signed_at


def untagged(value: Any) -> Any:
    """Flask's `TaggedJSONSerializer` output as plain JSON values: a tuple (` t`) as a list, a
    UUID (` u`), bytes (` b`, base64), Markup (` m`) and a date (` d`, HTTP date) as their text, an
    escaped dict (` di`) unescaped. Nothing is executed or imported."""
    if isinstance(value, list):
        return [untagged(item) for item in value]
    if not isinstance(value, dict):
        return value
    if len(value) == 1:
        ((key, inner),) = value.items()
        if key in _TAGS:
            if key == " di":
                if not isinstance(inner, dict):
                    raise ValueError("a tagged dict holding no dict")  # unreadable
                return {key[:-2]: untagged(item) for key, item in inner.items()}  # TagDict appends "__"
            return untagged(inner)
    return {key: untagged(item) for key, item in value.items()}
