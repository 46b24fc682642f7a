"""An Express app's sessions as a framework of the shared legacy-session contract
(tests/legacy/test_legacy_sessions.py): made by express-session's own Session and Cookie through
connect-redis, in Node (tests/legacy/express_app/store.js), read by tessera's adapter over the same Redis."""

import asyncio
import secrets
from typing import Any

from redis.asyncio import Redis

from adapters.legacy.connect_redis_legacy_sessions import ConnectRedisLegacySessions
from adapters.system_clock import SystemClock
from domain.legacy_sessions import UserKeyPath
from tests.support.express import ExpressSessionWriter

SECRETS = ["express secret of today", "express secret of last year"]
"""The app's `secret` array: the first signs, both verify."""
PREFIX = "sess:"
SHORT_LIVED_MS = 50
"""An expired session's cookie.maxAge: connect-redis rounds its TTL up to a second, so the key outlives it."""


class ExpressSessions:
    """express-session on connect-redis. The contract's sessions name their user at `user_id`, so the
    adapter is configured with that key path (passport's own, `passport.user`, is the default)."""

    signed = True
    stateful = True
    tamperable = False
    """express-session signs the cookie, not the stored session: who can write Redis can rewrite one."""

    def __init__(self, writer: ExpressSessionWriter, redis_url: str) -> None:
        self._writer = writer
        self._ids: dict[str, str] = {}
        self._client = Redis.from_url(redis_url)
        keys = [secret.encode() for secret in SECRETS]
        self.adapter = ConnectRedisLegacySessions(self._client, keys, PREFIX, UserKeyPath(("user_id",)), SystemClock())

    async def login(self, data: dict[str, Any], *, secret: str | None = None, expired: bool = False) -> str:
        session_id = secrets.token_urlsafe(24)
        cookie = self._writer.put(session_id, data, SHORT_LIVED_MS if expired else 3_600_000, secret)
        self._ids[cookie] = session_id
        if expired:
            await asyncio.sleep(2 * SHORT_LIVED_MS / 1000)  # past cookie.expires, within the key's 1 s TTL
        return cookie

    async def holds(self, cookie: str) -> bool:
        return self._writer.get(self._ids[cookie]) is not None

    def forged(self, cookie: str) -> str:
        """The same session id under a signature made without the secret."""
        return cookie[:-4] + ("AAAA" if not cookie.endswith("AAAA") else "BBBB")

    async def tamper(self, cookie: str) -> None:
        """Rewrites the stored session under the same id: nothing in it shows (see `tamperable`)."""
        self._writer.put(self._ids[cookie], {"user_id": "someone else"})

    async def close(self) -> None:
        await self._client.aclose()
