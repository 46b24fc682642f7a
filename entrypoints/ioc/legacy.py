"""The legacy-session bridge's providers. Imported only when the bridge is switched on, so that a
tessera without it never loads a session-store client."""

from collections.abc import AsyncIterator

from dishka import Provider, Scope, provide

from application.ports.clock import Clock
from application.ports.legacy_sessions import LegacySessions
from application.use_cases.exchange_legacy_session import ExchangeLegacySession
from domain.legacy_sessions import UserLookup
from entrypoints.legacy_settings import LegacyBridgeSettings

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
        from adapters.legacy.litestar_sessions import USER_KEY

        bridge = self._bridge
        user_key = bridge.user_key_path(USER_KEY)
        if not bridge.uses_redis:
            from adapters.legacy.file_legacy_sessions import FileLegacySessions

            yield FileLegacySessions(bridge.directory, bridge.session_id_bytes, user_key, clock)
            return
        from redis.asyncio import Redis

        from adapters.legacy.redis_legacy_sessions import RedisLegacySessions

        client = Redis.from_url(
            self._bridge.store_url,
            socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
            socket_timeout=REDIS_TIMEOUT_SECONDS,
        )
        yield RedisLegacySessions(client, bridge.namespace, bridge.session_id_bytes, user_key, clock)
        await client.aclose()

    exchange = provide(ExchangeLegacySession, scope=Scope.REQUEST)
