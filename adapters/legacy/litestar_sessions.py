"""What Litestar's `ServerSideSessionBackend` puts in its cookie and its store, for both stores.

The cookie's value is the session id itself, unsigned: `secrets.token_hex(session_id_bytes)`, lower-case
hex, two characters a byte. The store holds `encode_json(session)`: a JSON object.
"""

import json
import string
from datetime import datetime

from domain.errors import InvalidLegacySession, LegacyRefusal, MalformedLegacySessionCookie
from domain.legacy_sessions import LegacySession, UserKeyPath

_HEX = frozenset(string.hexdigits.lower())
USER_KEY = UserKeyPath(("user_id",))
"""Litestar prescribes no key; `user_id` is the common choice (and its `SessionAuth` examples')."""
SESSION_ID_BYTES = 32
"""`ServerSideSessionConfig.session_id_bytes`' default."""


def session_id_of(cookie: str, session_id_bytes: int) -> str:
    """The cookie's value as a session id, or `MalformedLegacySessionCookie` for one Litestar could
    not have issued (before any store is asked)."""
    if len(cookie) != 2 * session_id_bytes or not set(cookie) <= _HEX:
        raise MalformedLegacySessionCookie
    return cookie


def decoded(session_id: str, stored: bytes, expires_at: datetime | None, user_key: UserKeyPath) -> LegacySession:
    """The stored JSON object as a session; anything else is `unreadable`."""
    try:
        data = json.loads(stored)
    except (ValueError, UnicodeDecodeError, RecursionError):  # nested deeper than json reads: refused
        data = None
    if not isinstance(data, dict):
        raise InvalidLegacySession(LegacyRefusal.UNREADABLE)
    return LegacySession(session_id, data, stored, expires_at, user_key.find(data))
