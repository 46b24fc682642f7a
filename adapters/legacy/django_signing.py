"""Django's signed session data, verified and decoded the way `django.core.signing` does, JSON only.

Every session backend stores (or, for `signed_cookies`, sends) `signing.dumps(session, salt=…,
compress=True)`: `<payload>:<timestamp>:<signature>`, where the payload is URL-safe base64 of the
serialised session (zlib-compressed and marked with a leading "." when that is shorter), the
timestamp base62 seconds, and the signature URL-safe base64 (unpadded) of
HMAC-SHA256(key=SHA256(salt + "signer" + SECRET_KEY), "<payload>:<timestamp>") — `salted_hmac`.
Any of `SECRET_KEY_FALLBACKS` verifies too, as Django's `Signer.unsign` accepts them.

Django ≥ 4.1 serialises with `JSONSerializer` by default (the `PickleSerializer` is gone since 5.0);
a pickled session is refused, never loaded: unpickling runs code of the pickle's choosing.
"""

import base64
import binascii
import hashlib
import hmac
import json
import zlib
from dataclasses import dataclass, field
from typing import Any

from domain.errors import InvalidLegacySession, LegacyRefusal, MalformedLegacySessionCookie
from domain.legacy_sessions import MAX_STORED_SESSION_BYTES

STORED_SESSION_SALT = "django.contrib.sessions.SessionStore"
"""`SessionBase.key_salt`: "django.contrib.sessions." + the class's `__qualname__`, which is
`SessionStore` in the db, cached_db, cache and file backends alike."""
SIGNED_COOKIES_SALT = "django.contrib.sessions.backends.signed_cookies"
AUTH_HASH_SALT = "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash"
_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_B64 = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
_PICKLE_PROTOCOL_2_OR_LATER = b"\x80"


@dataclass(frozen=True, slots=True)
class DjangoSecret:
    """The project's `SECRET_KEY` and `SECRET_KEY_FALLBACKS`, newest first. Never logged."""

    key: bytes = field(repr=False)
    fallbacks: tuple[bytes, ...] = field(default=(), repr=False)

    @classmethod
    def from_text(cls, text: str) -> "DjangoSecret":
        """A secret file: `SECRET_KEY` on its first line, each fallback on a line of its own. A line of
        whitespace only is skipped: as a key it would be one anyone can guess."""
        lines = [line for line in text.splitlines() if line.strip()]
        if not lines:
            raise ValueError("the secret file is empty")
        return cls(lines[0].encode(), tuple(line.encode() for line in lines[1:]))

    @property
    def keys(self) -> tuple[bytes, ...]:
        return (self.key, *self.fallbacks)


def salted_hmac(key_salt: str, value: bytes, secret: bytes) -> bytes:
    """`django.utils.crypto.salted_hmac(..., algorithm="sha256").digest()`."""
    key = hashlib.sha256(key_salt.encode() + secret).digest()
    return hmac.new(key, value, hashlib.sha256).digest()


def unsign(signed: str, salt: str, secret: DjangoSecret) -> tuple[str, int]:
    """The payload and its timestamp (seconds since the epoch) of a value signed with any of the
    secret's keys; `bad_signature` otherwise, `malformed` for a value of another shape."""
    value, separator, signature = signed.rpartition(":")
    payload, separator_2, stamp = value.rpartition(":")
    if not separator or not separator_2 or not payload or not stamp or not set(stamp) <= set(_BASE62):
        raise MalformedLegacySessionCookie
    presented = signature.encode()
    for key in secret.keys:
        expected = base64.urlsafe_b64encode(salted_hmac(salt + "signer", value.encode(), key)).rstrip(b"=")
        if hmac.compare_digest(presented, expected):
            return payload, _base62(stamp)
    raise InvalidLegacySession(LegacyRefusal.BAD_SIGNATURE)


def session_object(payload: str) -> dict[str, Any]:
    """The session dict of a verified payload: `unreadable` unless it is a JSON object, `pickled`
    if the legacy app serialised it with pickle."""
    compressed = payload.startswith(".")
    encoded = payload.removeprefix(".")
    if not set(encoded) <= _B64:
        raise InvalidLegacySession(LegacyRefusal.UNREADABLE)
    try:
        data = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
        if compressed:
            inflater = zlib.decompressobj()
            data = inflater.decompress(data, MAX_STORED_SESSION_BYTES + 1)
    except (binascii.Error, zlib.error):
        raise InvalidLegacySession(LegacyRefusal.UNREADABLE) from None
    if len(data) > MAX_STORED_SESSION_BYTES:
        raise InvalidLegacySession(LegacyRefusal.OVERSIZED)
    if data.startswith(_PICKLE_PROTOCOL_2_OR_LATER):
        raise InvalidLegacySession(LegacyRefusal.PICKLED)
    try:
        session = json.loads(data.decode("latin-1"))  # JSONSerializer.loads decodes latin-1
    except (ValueError, RecursionError):  # nested deeper than the decoder reads: refused, not a crash
        raise InvalidLegacySession(LegacyRefusal.UNREADABLE) from None
    if not isinstance(session, dict):
        raise InvalidLegacySession(LegacyRefusal.UNREADABLE)
    return session


def session_auth_hash(password_hash: str, secret: bytes) -> str:
    """`AbstractBaseUser.get_session_auth_hash()`: what `login()` keeps as `_auth_user_hash`."""
    return salted_hmac(AUTH_HASH_SALT, password_hash.encode(), secret).hex()


def _base62(text: str) -> int:
    number = 0
    for character in text:
        number = number * 62 + _BASE62.index(character)
    return number
