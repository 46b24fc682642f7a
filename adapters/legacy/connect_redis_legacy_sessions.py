"""Sessions of an Express app in connect-redis: `<prefix><session id>` strings of JSON, named by a
signed `connect.sid` cookie (the format: adapters/legacy/express_sessions.py).

The cookie's signature is checked before Redis is asked, so a forged or foreign cookie costs one
HMAC per secret and consumes nothing. The take is one Lua script (GET, PTTL, DEL): Redis runs it
atomically, so of concurrent exchanges of one cookie exactly one receives the session.
"""

from collections.abc import Sequence

from redis.asyncio import Redis

from adapters.legacy.express_sessions import decoded, session_id_of
from adapters.legacy.redis_legacy_sessions import TAKE_SCRIPT, UNREACHABLE, take_value
from application.errors import StorageUnavailable
from application.ports.clock import Clock
from application.ports.legacy_sessions import LegacySessions
from domain.legacy_sessions import LegacySession, UserKeyPath, check_expiry


class ConnectRedisLegacySessions(LegacySessions):
    def __init__(
        self, client: "Redis", secrets: Sequence[bytes], prefix: str, user_key: UserKeyPath, clock: Clock
    ) -> None:
        if not secrets:
            raise ValueError("express-session needs at least one secret")
        self._client = client
        self._secrets = tuple(secrets)
        self._prefix = prefix
        self._user_key = user_key
        self._take = client.register_script(TAKE_SCRIPT)
        self._clock = clock

    def key(self, session_id: str) -> str:
        return self._prefix + session_id

    async def take(self, cookie: str) -> LegacySession:
        """A session past its `cookie.expires` is consumed and refused as `expired` (with connect-redis'
        default TTL Redis has dropped it by then: it is `unknown`)."""
        session_id = session_id_of(cookie, self._secrets)
        now = self._clock.now()
        value, store_expiry = await take_value(self._take, self.key(session_id), now)
        session = decoded(session_id, value, store_expiry, self._user_key)
        check_expiry(session.expires_at, now)
        return session

    def password_unchanged(self, session: LegacySession, password_hash: str) -> bool:
        return True  # express-session and passport keep no proof of the password in a session

    async def restore(self, session: LegacySession) -> None:
        """Back under its key with the time it had left (a key stored without a TTL comes back with one
        to its `cookie.expires`, when express would stop honouring it anyway)."""
        lifetime = None
        if session.expires_at is not None:
            lifetime = int((session.expires_at - self._clock.now()).total_seconds() * 1000)
            if lifetime <= 0:
                return
        try:
            await self._client.set(self.key(session.session_id), session.stored, px=lifetime, nx=True)
        except UNREACHABLE as error:
            raise StorageUnavailable from error
