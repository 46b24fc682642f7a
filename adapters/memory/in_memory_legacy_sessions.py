import json
from datetime import datetime

from application.ports.clock import Clock
from application.ports.legacy_sessions import LegacySessions
from domain.legacy_sessions import LegacySession


class InMemoryLegacySessions(LegacySessions):
    """A legacy store in a dict: session id -> (stored JSON, expiry). One event loop, no awaits
    between reading and deleting, so `take` is atomic."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self.stored: dict[str, tuple[bytes, datetime | None]] = {}

    def put(self, session_id: str, data: dict[str, object], expires_at: datetime | None = None) -> None:
        """What the legacy application does when it logs a user in."""
        self.stored[session_id] = (json.dumps(data).encode(), expires_at)

    async def take(self, session_id: str) -> LegacySession | None:
        found = self.stored.pop(session_id, None)
        if found is None:
            return None
        value, expires_at = found
        if expires_at is not None and self._clock.now() >= expires_at:
            return None
        return LegacySession.from_stored(session_id, value, expires_at)

    async def restore(self, session: LegacySession) -> None:
        self.stored.setdefault(session.session_id, (session.stored, session.expires_at))
