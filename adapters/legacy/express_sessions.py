"""What express-session puts in its cookie, and what connect-redis keeps for it in Redis.

The cookie (`connect.sid` unless the app named it) holds `s:<session id>.<signature>`, URL-encoded
by the `cookie` package (`s%3A…`, a `/` of the signature as `%2F`). The signature is the
`cookie-signature` package's: the base64 of HMAC-SHA256(key = the secret's UTF-8 bytes, message =
the session id), its `=` padding removed. express-session signs with the first of its secrets and
accepts any of them, so that a secret can be rotated; it takes the session id as everything before
the LAST dot, and ignores a cookie without the `s:` prefix. Ids are uid-safe's 24 random bytes in
base64url by default, but an app's `genid` may make any string, so only the signature vouches for one.

connect-redis stores `JSON.stringify(session)` under `<prefix><session id>` (prefix `sess:`), with a
Redis TTL to the session's `cookie.expires` (a day when the cookie has none; none at all with
`disableTTL`). The session object holds `cookie` (`originalMaxAge`, `expires` as an ISO 8601 instant
or null) and the app's keys; passport keeps what `serializeUser` returned under `passport.user`.
"""

import base64
import hashlib
import hmac
import json
from collections.abc import Sequence
from datetime import datetime
from urllib.parse import unquote

from domain.errors import InvalidLegacySession, LegacyRefusal, MalformedLegacySessionCookie
from domain.legacy_sessions import MAX_COOKIE_LENGTH, LegacySession, UserKeyPath

USER_KEY = UserKeyPath(("passport", "user"))
"""passport's place for the user, holding what `serializeUser` returned (usually the user's id)."""
_SIGNED = "s:"
_SIGNED_ENCODED = "s%3a"


def secrets_of(text: str) -> tuple[bytes, ...]:
    """express-session's `secret` array from a file of one secret a line, in order (blank lines
    skipped; a line's own spaces kept: they are part of the secret). Each as UTF-8, as Node's HMAC
    takes a string key."""
    secrets = tuple(line.encode() for line in text.splitlines() if line.strip())
    if not secrets:
        raise ValueError("no secret: express-session needs at least one")
    return secrets


def signature(session_id: str, secret: bytes) -> str:
    """cookie-signature's `sign(session_id, secret)` without the value in front."""
    mac = hmac.new(secret, session_id.encode(), hashlib.sha256).digest()
    return base64.b64encode(mac).decode("ascii").rstrip("=")


def session_id_of(cookie: str, secrets: Sequence[bytes]) -> str:
    """The session id the cookie carries, once its signature verifies with one of `secrets`.

    `MalformedLegacySessionCookie` for a value that is not express-session's signed form at all (no
    `s:` in front: express-session ignores such a cookie); `bad_signature` for every `s:` value that no
    secret signed (forged, tampered with, cut, or another app's), as cookie-signature's `unsign` fails
    for each. Every secret is tried, each comparison in constant time."""
    value = cookie
    if value[:4].lower() == _SIGNED_ENCODED:  # as the browser sends it; a server (Litestar too) may have decoded it
        value = unquote(value, errors="replace")  # a broken escape is no signature's: it verifies with none
    if not value.startswith(_SIGNED) or len(value) > MAX_COOKIE_LENGTH or not _is_utf8(value):
        raise MalformedLegacySessionCookie
    session_id, _, presented = value[len(_SIGNED) :].rpartition(".")
    # as bytes: compare_digest refuses str with non-ASCII characters, which a forged cookie may hold
    verified = [hmac.compare_digest(signature(session_id, secret).encode(), presented.encode()) for secret in secrets]
    if not session_id or not any(verified):
        raise InvalidLegacySession(LegacyRefusal.BAD_SIGNATURE)
    return session_id


def _is_utf8(value: str) -> bool:
    """False for a string holding a lone surrogate, which no browser's cookie can (nor HMAC take)."""
    try:
        value.encode()
    except UnicodeEncodeError:
        return False
    return True


def decoded(session_id: str, stored: bytes, store_expiry: datetime | None, user_key: UserKeyPath) -> LegacySession:
    """The stored JSON as a session (anything else is `unreadable`: connect-redis's default serializer
    is JSON, and nothing else is ever decoded), expiring at the earlier of the store's TTL and the
    session's `cookie.expires` (the instant after which the browser no longer sends the cookie). Its
    data are the application's keys: express-session's own `cookie` is read for the expiry only (the
    stored bytes keep it, for a restore)."""
    try:
        data = json.loads(stored)
    except (ValueError, UnicodeDecodeError, RecursionError):  # nested deeper than json reads: refused
        data = None
    if not isinstance(data, dict):
        raise InvalidLegacySession(LegacyRefusal.UNREADABLE)
    expiries = [when for when in (store_expiry, cookie_expiry(data)) if when is not None]
    own = {key: value for key, value in data.items() if key != "cookie"}
    return LegacySession(session_id, own, stored, min(expiries, default=None), user_key.find(own))


def cookie_expiry(data: dict[str, object]) -> datetime | None:
    """`cookie.expires` as express-session stores it (`Date.toJSON()`: `2026-12-06T05:00:00.000Z`);
    None for a browser-session cookie. A session whose `cookie` is not of that shape is `unreadable`."""
    cookie = data.get("cookie")
    if cookie is None:
        return None
    if not isinstance(cookie, dict):
        raise InvalidLegacySession(LegacyRefusal.UNREADABLE)
    expires = cookie.get("expires")
    if expires is None:
        return None
    if not isinstance(expires, str):
        raise InvalidLegacySession(LegacyRefusal.UNREADABLE)
    try:
        when = datetime.fromisoformat(expires)
    except ValueError:
        raise InvalidLegacySession(LegacyRefusal.UNREADABLE) from None
    if when.tzinfo is None:
        raise InvalidLegacySession(LegacyRefusal.UNREADABLE)
    return when
