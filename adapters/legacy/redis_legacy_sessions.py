"""Sessions in Litestar's `RedisStore`: one Redis string per session, its TTL the session's expiry.

`RedisStore._make_key` names a session `<namespace>:<session id>` (namespace "LITESTAR" unless the
application chose another; `with_namespace("sessions")` makes it "LITESTAR_sessions"), or the bare
id when the namespace is None. The value is the JSON of the session object, stored with
`SET key value EX max_age`; Redis drops it when the TTL runs out.
"""

import logging
from datetime import datetime, timedelta

from redis.asyncio import Redis
from redis.commands.core import AsyncScript
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError

from adapters.legacy.litestar_sessions import decoded, session_id_of
from application.errors import StorageUnavailable
from application.ports.clock import Clock
from application.ports.legacy_sessions import LegacySessions
from domain.errors import InvalidLegacySession, LegacyRefusal
from domain.legacy_sessions import MAX_STORED_SESSION_BYTES, LegacySession, UserKeyPath

log = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)

# GET, PTTL and DEL as one script: Redis runs a script atomically, so no other client sees the
# key between the read and the delete, and the remaining lifetime comes with the value. A value
# larger than ARGV[1] bytes is neither read nor deleted (STRLEN is 0 for a missing key).
TAKE_SCRIPT = b"""
if redis.call('STRLEN', KEYS[1]) > tonumber(ARGV[1]) then return -1 end
local value = redis.call('GET', KEYS[1])
if not value then return nil end
local ttl = redis.call('PTTL', KEYS[1])
redis.call('DEL', KEYS[1])
return {value, ttl}
"""


async def take_value(take: AsyncScript, key: str, now: datetime) -> tuple[bytes, datetime | None]:
    """The value under `key`, read and deleted in one step by `TAKE_SCRIPT`, and when Redis would have
    dropped it (None for a key without a TTL). `StorageUnavailable` if Redis cannot be reached; refused
    as `unreadable` if the key holds no string, as `unknown` if there is no such key, as `oversized` (and
    left in place) if its value is larger than a bridge reads."""
    try:
        found = await take(keys=[key], args=[MAX_STORED_SESSION_BYTES])
    except UNREACHABLE as error:
        raise StorageUnavailable from error
    except ResponseError:
        log.warning("the legacy session key of a presented cookie holds no Redis string")
        raise InvalidLegacySession(LegacyRefusal.UNREADABLE) from None
    if found is None:
        raise InvalidLegacySession(LegacyRefusal.UNKNOWN)
    if found == -1:
        raise InvalidLegacySession(LegacyRefusal.OVERSIZED)
    value, ttl_ms = found
    return bytes(value), now + timedelta(milliseconds=ttl_ms) if ttl_ms > 0 else None


class RedisLegacySessions(LegacySessions):
    def __init__(
        self, client: "Redis", namespace: str | None, session_id_bytes: int, user_key: UserKeyPath, clock: Clock
    ) -> None:
        self._client = client
        self._session_id_bytes = session_id_bytes
        self._user_key = user_key
        self._prefix = f"{namespace}:" if namespace else ""
        self._take = client.register_script(TAKE_SCRIPT)
        self._clock = clock

    def key(self, session_id: str) -> str:
        return self._prefix + session_id

    async def take(self, cookie: str) -> LegacySession:
        """Redis drops a session when its TTL runs out: an expired one is unknown here."""
        session_id = session_id_of(cookie, self._session_id_bytes)
        value, expires_at = await take_value(self._take, self.key(session_id), self._clock.now())
        return decoded(session_id, value, expires_at, self._user_key)

    def password_unchanged(self, session: LegacySession, password_hash: str) -> bool:
        return True  # Litestar keeps no proof of the password in a session

    async def restore(self, session: LegacySession) -> None:
        lifetime = None
        if session.expires_at is not None:
            lifetime = int((session.expires_at - self._clock.now()).total_seconds() * 1000)
            if lifetime <= 0:
                return
        try:
            await self._client.set(self.key(session.session_id), session.stored, px=lifetime, nx=True)
        except UNREACHABLE as error:
            raise StorageUnavailable from error
