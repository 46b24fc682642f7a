"""The legacy-session bridge's providers. Imported only when the bridge is switched on, so that a
tessera without it never loads a session-store client."""

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

from dishka import Provider, Scope, provide

from application.ports.clock import Clock
from application.ports.legacy_sessions import LegacySessions
from application.ports.spent_legacy_cookies import SpentLegacyCookies
from application.use_cases.exchange_legacy_session import ExchangeLegacySession
from domain.legacy_sessions import UserLookup
from entrypoints.settings.legacy import LegacyBridgeSettings, LegacyStoreKind

REDIS_TIMEOUT_SECONDS = 2.0
"""An unreachable Redis answers 503 within this, instead of holding the request."""
DATABASE_TIMEOUT_SECONDS = 5.0
"""A Django database whose connection pool is exhausted answers 503 within this."""


class LegacyBridgeProvider(Provider):
    def __init__(self, bridge: LegacyBridgeSettings) -> None:
        super().__init__()
        self._bridge = bridge

    @provide(scope=Scope.APP)
    def lookup(self) -> UserLookup:
        return self._bridge.user_lookup

    @provide(scope=Scope.APP)
    async def legacy_sessions(self, clock: Clock, spent: SpentLegacyCookies) -> AsyncIterator[LegacySessions]:
        bridge = self._bridge
        kind = bridge.kind
        if kind.framework == "django":
            async for sessions in _django_sessions(bridge, clock, spent):
                yield sessions
            return
        if kind.framework == "flask":
            async for sessions in _flask_sessions(bridge, clock, spent):
                yield sessions
            return
        if kind is LegacyStoreKind.EXPRESS_REDIS:
            async for sessions in _express_sessions(bridge, clock):
                yield sessions
            return
        from adapters.legacy.litestar_sessions import USER_KEY

        user_key = bridge.user_key_path(USER_KEY)
        if kind is LegacyStoreKind.LITESTAR_FILE:
            from adapters.legacy.file_legacy_sessions import FileLegacySessions

            yield FileLegacySessions(bridge.directory, bridge.session_id_bytes, user_key, clock)
            return
        from redis.asyncio import Redis

        from adapters.legacy.redis_legacy_sessions import RedisLegacySessions

        client = Redis.from_url(
            bridge.store_url, socket_connect_timeout=REDIS_TIMEOUT_SECONDS, socket_timeout=REDIS_TIMEOUT_SECONDS
        )
        yield RedisLegacySessions(client, bridge.namespace, bridge.session_id_bytes, user_key, clock)
        await client.aclose()

    exchange = provide(ExchangeLegacySession, scope=Scope.REQUEST)


async def _django_sessions(
    bridge: LegacyBridgeSettings, clock: Clock, spent: SpentLegacyCookies
) -> AsyncIterator[LegacySessions]:
    from adapters.legacy.django_sessions import USER_KEY
    from adapters.legacy.django_signing import DjangoSecret

    assert bridge.secret_file is not None  # the settings require it for Django
    secret = DjangoSecret.from_text(bridge.secret_file.read_text())
    user_key = bridge.user_key_path(USER_KEY)
    age = timedelta(seconds=bridge.cookie_age)
    if bridge.kind is LegacyStoreKind.DJANGO_SIGNED_COOKIES:
        from adapters.legacy.django_signed_cookie_legacy_sessions import DjangoSignedCookieLegacySessions

        yield DjangoSignedCookieLegacySessions(spent, age, secret, user_key, clock)
        return
    if bridge.kind is LegacyStoreKind.DJANGO_FILE:
        from adapters.legacy.django_file_legacy_sessions import DjangoFileLegacySessions

        yield DjangoFileLegacySessions(bridge.directory, bridge.django_file_prefix, age, secret, user_key, clock)
        return
    from sqlalchemy.ext.asyncio import create_async_engine

    from adapters.legacy.django_db_legacy_sessions import DjangoDbLegacySessions, session_table

    engine = create_async_engine(bridge.database_url, pool_pre_ping=True, pool_timeout=DATABASE_TIMEOUT_SECONDS)
    spent_instead = spent if bridge.read_only else None
    yield DjangoDbLegacySessions(engine, session_table(), secret, user_key, clock, read_only_with=spent_instead)
    await engine.dispose()


async def _flask_sessions(
    bridge: LegacyBridgeSettings, clock: Clock, spent: SpentLegacyCookies
) -> AsyncIterator[LegacySessions]:
    from adapters.legacy.flask_sessions import USER_KEY

    secrets = () if bridge.secret_file is None else _secret_lines(bridge.secret_file)
    user_key = bridge.user_key_path(USER_KEY)
    if bridge.kind is LegacyStoreKind.FLASK_COOKIE:
        from adapters.legacy.flask_cookie_legacy_sessions import FlaskCookieLegacySessions

        yield FlaskCookieLegacySessions(spent, timedelta(seconds=bridge.cookie_age), secrets, user_key, clock)
        return
    from redis.asyncio import Redis

    from adapters.legacy.flask_session_redis_legacy_sessions import FlaskSessionRedisLegacySessions

    client = Redis.from_url(
        bridge.inner_url, socket_connect_timeout=REDIS_TIMEOUT_SECONDS, socket_timeout=REDIS_TIMEOUT_SECONDS
    )
    yield FlaskSessionRedisLegacySessions(client, bridge.namespace or "", secrets, user_key, clock)
    await client.aclose()


def _secret_lines(path: Path) -> tuple[bytes, ...]:
    """SECRET_KEY, then each fallback: one a line (a line of whitespace only is skipped: as a key it
    would be one anyone can guess)."""
    return tuple(line.encode() for line in path.read_text().splitlines() if line.strip())


async def _express_sessions(bridge: LegacyBridgeSettings, clock: Clock) -> AsyncIterator[LegacySessions]:
    from redis.asyncio import Redis

    from adapters.legacy.connect_redis_legacy_sessions import ConnectRedisLegacySessions
    from adapters.legacy.express_sessions import USER_KEY, secrets_of

    assert bridge.secret_file is not None  # the settings require it for Express
    secrets = secrets_of(bridge.secret_file.read_text())
    client = Redis.from_url(
        bridge.inner_url, socket_connect_timeout=REDIS_TIMEOUT_SECONDS, socket_timeout=REDIS_TIMEOUT_SECONDS
    )
    prefix = bridge.namespace or ""  # `none`: keys that are the bare session id (connect-redis' `prefix: ""`)
    yield ConnectRedisLegacySessions(client, secrets, prefix, bridge.user_key_path(USER_KEY), clock)
    await client.aclose()
