import json
from datetime import datetime

from adapters.legacy.litestar_sessions import SESSION_ID_BYTES, USER_KEY, decoded, session_id_of
from application.ports.clock import Clock
from application.ports.legacy_sessions import LegacySessions
from domain.errors import InvalidLegacySession, LegacyRefusal
from domain.legacy_sessions import MAX_STORED_SESSION_BYTES, LegacySession, UserKeyPath, check_expiry


class InMemoryLegacySessions(LegacySessions):
    """A Litestar-shaped legacy store in a dict: session id -> (stored JSON, expiry). One event loop,
    no awaits between reading and deleting, so `take` is atomic. `password_hashes` plays a framework
    that proves the password a session was made with: session id -> the hash it was made from."""

    def __init__(self, clock: Clock, user_key: UserKeyPath = USER_KEY) -> None:
        self._clock = clock
        self._user_key = user_key
        self.stored: dict[str, tuple[bytes, datetime | None]] = {}
        self.password_hashes: dict[str, str] = {}

    def put(self, session_id: str, data: object, expires_at: datetime | None = None) -> None:
        """What the legacy application does when it logs a user in."""
        self.stored[session_id] = (json.dumps(data).encode(), expires_at)

    async def take(self, cookie: str) -> LegacySession:
        session_id = session_id_of(cookie, SESSION_ID_BYTES)
        found = self.stored.get(session_id)
        if found is None:
            raise InvalidLegacySession(LegacyRefusal.UNKNOWN)
        value, expires_at = found
        if len(value) > MAX_STORED_SESSION_BYTES:
            raise InvalidLegacySession(LegacyRefusal.OVERSIZED)
        del self.stored[session_id]
        check_expiry(expires_at, self._clock.now())
        return decoded(session_id, value, expires_at, self._user_key)

    async def restore(self, session: LegacySession) -> None:
        self.stored.setdefault(session.session_id, (session.stored, session.expires_at))

    def password_unchanged(self, session: LegacySession, password_hash: str) -> bool:
        made_with = self.password_hashes.get(session.session_id)
        return made_with is None or made_with == password_hash
