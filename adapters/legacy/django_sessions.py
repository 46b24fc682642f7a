"""What every Django session backend shares: the session key in the cookie, the user's keys in the
session (`django.contrib.auth`'s `_auth_user_id` and `_auth_user_hash`), and how `get_user` checks
the hash against the user's password."""

import hmac
import re
import string
from datetime import datetime
from typing import Any

from adapters.legacy.django_signing import DjangoSecret, session_auth_hash, session_object, unsign
from domain.errors import MalformedLegacySessionCookie
from domain.legacy_sessions import LegacySession, UserKeyPath

USER_KEY = UserKeyPath(("_auth_user_id",))
"""`django.contrib.auth.SESSION_KEY`: `login()` stores `str(user.pk)` there."""
AUTH_HASH_KEY = "_auth_user_hash"
"""`django.contrib.auth.HASH_SESSION_KEY`: `user.get_session_auth_hash()` at login."""
COOKIE_AGE = 1209600
"""`SESSION_COOKIE_AGE`'s default: two weeks, in seconds."""
FILE_PREFIX = "sessionid"
"""The file backend names a session's file `SESSION_COOKIE_NAME` + key; the cookie's default name."""
_KEY_CHARACTERS = frozenset(string.ascii_lowercase + string.digits)
_DJANGO_HASH = re.compile(r"[a-z][a-z0-9_]*\$")
"""Django's hashers write `<algorithm>$…` (`pbkdf2_sha256$…`, `argon2$argon2id$…`); tessera's own
argon2id hash starts with `$`, so a hash rewritten by tessera since the import never matches."""


def session_key_of(cookie: str) -> str:
    """The `sessionid` cookie's value: Django draws 32 of [a-z0-9] (`VALID_KEY_CHARS`); its
    `django_session.session_key` column holds at most 40, and a key under 8 is never honoured."""
    if not 8 <= len(cookie) <= 40 or not set(cookie) <= _KEY_CHARACTERS:
        raise MalformedLegacySessionCookie
    return cookie


def verified(session_data: str, salt: str, secret: DjangoSecret) -> tuple[dict[str, Any], int]:
    """The session dict of `session_data`, signed with the secret; and its signing time."""
    payload, signed_at = unsign(session_data, salt, secret)
    return session_object(payload), signed_at


def django_session(
    key: str, data: dict[str, Any], stored: bytes, expires_at: datetime | None, user_key: UserKeyPath
) -> LegacySession:
    return LegacySession(key, data, stored, expires_at, user_key.find(data))


def password_unchanged(session: LegacySession, password_hash: str, secret: DjangoSecret) -> bool:
    """As `django.contrib.auth.get_user`: the session's `_auth_user_hash` must equal the HMAC of the
    user's password hash under SECRET_KEY or a fallback; a session without one is logged out. Only
    when tessera still holds a Django-made hash (the imported one, unchanged) can it be compared."""
    if not _DJANGO_HASH.match(password_hash):
        return True
    proof = session.data.get(AUTH_HASH_KEY)
    if not isinstance(proof, str):
        return False
    presented = proof.encode()  # as bytes: compare_digest refuses str with non-ASCII characters
    return any(hmac.compare_digest(presented, session_auth_hash(password_hash, key).encode()) for key in secret.keys)
