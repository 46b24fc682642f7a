"""Sessions of the web framework being replaced, and the rules for exchanging one.

A legacy session is whatever the framework's session machinery kept for one browser: a row, a
file, a Redis key, or the signed cookie itself. Reading it is the adapters' business (each knows its
framework's cookie format, signature and serialisation); what the exchange needs from any of them is
this: the session's decoded object, when it expires, and the user reference found in it.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from domain.errors import InvalidLegacySession, LegacyRefusal

MAX_COOKIE_LENGTH = 8192
"""No browser sends a longer cookie value (RFC 6265 asks for at least 4096 bytes a cookie)."""
MAX_USER_REFERENCE_LENGTH = 320
"""An email address's maximum length: every id, email or legacy id fits."""


class UserLookup(StrEnum):
    """What the user reference names: tessera's user id, the email, or the framework's own user id
    (kept as `User.legacy_id` by the import)."""

    ID = "id"
    EMAIL = "email"
    LEGACY_ID = "legacy_id"


@dataclass(frozen=True, slots=True)
class UserKeyPath:
    """Where the session object names the user: a key, or dotted keys into nested objects
    (`auth.user.id`). Each framework has its own (`_auth_user_id`, `_user_id`, `user_id`)."""

    keys: tuple[str, ...]

    @classmethod
    def parse(cls, text: str) -> "UserKeyPath":
        keys = tuple(text.split("."))
        if not text or any(not key for key in keys):
            raise ValueError(f"{text!r} is not a key path (keys separated by dots)")
        return cls(keys)

    def __str__(self) -> str:
        return ".".join(self.keys)

    def find(self, data: object) -> str | None:
        """The reference at the path: a non-empty string, or an integer (a database id) as its
        decimal text. Anything else, or a missing key, is no reference."""
        for key in self.keys:
            if not isinstance(data, dict):
                return None
            data = data.get(key)
        if isinstance(data, int) and not isinstance(data, bool):
            data = str(data)
        if isinstance(data, str) and 0 < len(data) <= MAX_USER_REFERENCE_LENGTH:
            return data
        return None


MAX_STORED_SESSION_BYTES = 1 << 20
"""The largest session a bridge reads, stored or decompressed: a login carries a few hundred bytes, so a
session past 1 MiB is one the legacy app let a user grow, and reading it whole would let that user make
tessera hold it in memory. Larger ones are refused as `oversized` and left where they are."""


@dataclass(frozen=True, slots=True)
class LegacySession:
    session_id: str
    """The store's key of the session (for a stateless cookie, a digest of it). Never logged."""
    data: dict[str, Any] = field(hash=False)
    """The decoded session object: the legacy application's own keys and values."""
    stored: bytes = field(repr=False)
    """The value exactly as the store held it, so that it can be put back unchanged."""
    expires_at: datetime | None = None
    """When the framework would have stopped honouring it; None if it was stored without an expiry."""
    user_reference: str | None = None
    """The user the session names (see `UserKeyPath.find`), None for an anonymous session."""


def signed_session_expiry(signed_at: int, lifetime: timedelta) -> datetime:
    """When a stateless session signed at `signed_at` (seconds since the epoch) stops being honoured.
    A signing time no calendar holds is `unreadable`: only a holder of the secret can sign one, and
    it is refused all the same, never a server error."""
    try:
        return datetime.fromtimestamp(signed_at, UTC) + lifetime
    except (OverflowError, OSError, ValueError):
        raise InvalidLegacySession(LegacyRefusal.UNREADABLE) from None


def check_expiry(expires_at: datetime | None, now: datetime) -> None:
    """A session is honoured strictly before its expiry, as every framework's store does."""
    if expires_at is not None and now >= expires_at:
        raise InvalidLegacySession(LegacyRefusal.EXPIRED)
