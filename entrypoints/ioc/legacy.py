"""The legacy-session bridge's providers. Imported only when the bridge is switched on, so that a
tessera without it never loads a session-store client."""

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

from dishka import Provider, Scope, provide

from application.ports.clock import Clock
from application.ports.legacy_sessions import LegacySessions
from application.use_cases.exchange_legacy_session import ExchangeLegacySession
from domain.legacy_sessions import UserLookup
from entrypoints.legacy_settings import EXPRESS, LegacyBridgeSettings

if TYPE_CHECKING:
    from redis.asyncio import Redis

REDIS_TIMEOUT_SECONDS = 2.0
"""An unreachable Redis answers 503 within this, instead of holding the request."""


class LegacyBridgeProvider(Provider):
    def __init__(self, bridge: LegacyBridgeSettings) -> None:
        super().__init__()
        self._bridge = bridge

    @provide(scope=Scope.APP)
    def lookup(self) -> UserLookup:
        return self._bridge.user_lookup

    @provide(scope=Scope.APP)
    async def legacy_sessions(self, clock: Clock) -> AsyncIterator[LegacySessions]:
        bridge = self._bridge
        if not bridge.uses_redis:
            from adapters.legacy.file_legacy_sessions import FileLegacySessions
            from adapters.legacy.litestar_sessions import USER_KEY

            yield FileLegacySessions(bridge.directory, bridge.session_id_bytes, bridge.user_key_path(USER_KEY), clock)
            return
        from redis.asyncio import Redis

        client = Redis.from_url(
            bridge.store,
            socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
            socket_timeout=REDIS_TIMEOUT_SECONDS,
        )
        yield self._on_redis(client, clock)
        await client.aclose()

    def _on_redis(self, client: "Redis", clock: Clock) -> LegacySessions:
        bridge = self._bridge
        if bridge.framework == EXPRESS:
            from adapters.legacy.connect_redis_legacy_sessions import ConnectRedisLegacySessions
            from adapters.legacy.express_sessions import USER_KEY as EXPRESS_USER_KEY

            user_key = bridge.user_key_path(EXPRESS_USER_KEY)
            return ConnectRedisLegacySessions(client, bridge.secrets, bridge.key_prefix, user_key, clock)
        from adapters.legacy.litestar_sessions import USER_KEY
        from adapters.legacy.redis_legacy_sessions import RedisLegacySessions

        return RedisLegacySessions(
            client, bridge.namespace, bridge.session_id_bytes, bridge.user_key_path(USER_KEY), clock
        )

    exchange = provide(ExchangeLegacySession, scope=Scope.REQUEST)
