"""Sessions of the server-side session store being replaced, and the rules for exchanging one.

A legacy session is what Litestar's `ServerSideSessionBackend` stored: a session id (the cookie's
value) naming a JSON object of the application's own keys. Litestar draws ids with
`secrets.token_hex(session_id_bytes)`: lower-case hex, two characters a byte. tessera knows the
user only by one key of that object, holding either the user's id or their email.
"""

import json
import string
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from domain.errors import MalformedLegacySessionCookie

_HEX = frozenset(string.hexdigits.lower())


class UserLookup(StrEnum):
    ID = "id"
    EMAIL = "email"


@dataclass(frozen=True, slots=True)
class LegacyBridgePolicy:
    user_key: str = "user_id"
    """The key of the session object that names the user."""
    lookup: UserLookup = UserLookup.ID
    session_id_bytes: int = 32
    """Litestar's `ServerSideSessionConfig.session_id_bytes`: the id has twice as many hex digits."""

    def parse_session_id(self, cookie: str | None) -> str:
        """The cookie's value as a session id, or `MalformedLegacySessionCookie` for a missing
        cookie or one Litestar could not have issued (before any store is asked)."""
        if cookie is None or len(cookie) != 2 * self.session_id_bytes or not set(cookie) <= _HEX:
            raise MalformedLegacySessionCookie
        return cookie


@dataclass(frozen=True, slots=True)
class LegacySession:
    session_id: str
    data: dict[str, Any] = field(hash=False)
    """The decoded session object: the legacy application's own keys and values."""
    stored: bytes = field(repr=False)
    """The value exactly as the store held it, so that it can be put back unchanged."""
    expires_at: datetime | None = None
    """When the store would have dropped it; None if it was stored without an expiry."""

    @classmethod
    def from_stored(cls, session_id: str, stored: bytes, expires_at: datetime | None) -> "LegacySession | None":
        """Litestar stores `encode_json(session)`: a JSON object. Anything else is no session."""
        try:
            data = json.loads(stored)
        except (ValueError, UnicodeDecodeError):
            return None
        return cls(session_id, data, stored, expires_at) if isinstance(data, dict) else None

    def user_reference(self, policy: LegacyBridgePolicy) -> str | None:
        value = self.data.get(policy.user_key)
        return value if isinstance(value, str) and 0 < len(value) <= 320 else None
