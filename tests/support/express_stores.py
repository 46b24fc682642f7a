"""Express sessions as the legacy application keeps them (express-session's own Session and Cookie
through connect-redis, in Node: tests/e2e/express_app/store.js), beside tessera's adapter over the
same Redis: what one writes, the other must read, and vice versa."""

import json
from typing import Any

from redis.asyncio import Redis

from adapters.legacy.connect_redis_legacy_sessions import ConnectRedisLegacySessions
from adapters.system_clock import SystemClock
from domain.legacy_sessions import UserKeyPath
from tests.support.express import ExpressSessionWriter

SECRETS = ["express secret of today", "express secret of last year"]
"""The app's `secret` array: the first signs, both verify."""
PREFIX = "sess:"


class ExpressStore:
    """One Express app's sessions. The user is found at `user_id` (a configured key path), so the
    shared contract's sessions name their user as they do for every framework."""

    def __init__(self, writer: ExpressSessionWriter, redis_url: str) -> None:
        self._writer = writer
        self._redis = Redis.from_url(redis_url)
        self._adapters_client = Redis.from_url(redis_url)
        secrets = [secret.encode() for secret in SECRETS]
        self.adapter = ConnectRedisLegacySessions(
            self._adapters_client, secrets, PREFIX, UserKeyPath(("user_id",)), SystemClock()
        )

    def cookie(self, session_id: str) -> str:
        return self._writer.cookie(session_id)

    async def put(self, session_id: str, data: dict[str, Any], expires_in: int = 3600) -> None:
        """As express-session saves a session; a value express-session cannot hold (not an object) as
        another serializer than JSON would have left it, straight into Redis."""
        if isinstance(data, dict):
            self._writer.put(session_id, data, expires_in * 1000)
        else:
            await self._redis.set(PREFIX + session_id, json.dumps(data), ex=expires_in)

    async def get(self, session_id: str) -> bytes | None:
        """The session as express-session loads it for a request, as JSON."""
        found = self._writer.get(session_id)
        return None if found is None else json.dumps(found).encode()

    async def expire(self, session_id: str) -> None:
        await self._redis.pexpire(PREFIX + session_id, 1)

    async def close(self) -> None:
        await self._redis.aclose()
        await self._adapters_client.aclose()
