"""Flask's sessions as a real Flask app makes them (its test client through its session interface):
the default signed cookie, and Flask-Session on Redis; beside tessera's adapter over the same data."""

import secrets
import time
from contextlib import ExitStack
from datetime import timedelta
from typing import Any
from unittest import mock

from flask import Flask, request, session
from flask_session import Session
from redis import Redis as SyncRedis
from redis.asyncio import Redis

from adapters.legacy.flask_cookie_legacy_sessions import FlaskCookieLegacySessions
from adapters.legacy.flask_session_redis_legacy_sessions import FlaskSessionRedisLegacySessions
from adapters.legacy.flask_sessions import LIFETIME, USER_KEY
from adapters.memory.in_memory_spent_legacy_cookies import InMemorySpentLegacyCookies
from adapters.system_clock import SystemClock
from application.ports.legacy_sessions import LegacySessions

AGE = timedelta(seconds=LIFETIME)


def session_app(secret: str | None, redis_url: str | None = None, *, prefix: str = "session:", **config: Any) -> Flask:
    """A Flask app whose POST /login puts the JSON body into `session`: the legacy app's login, with
    the data chosen by the test. Flask-Session on Redis when `redis_url` is given."""
    app = Flask(__name__)
    app.config.update(SECRET_KEY=secret, **config)
    if redis_url is not None:
        app.config.update(SESSION_TYPE="redis", SESSION_REDIS=SyncRedis.from_url(redis_url), SESSION_KEY_PREFIX=prefix)
        Session(app)

    @app.post("/login")
    def login() -> dict[str, str]:
        session.update(request.get_json())
        return {}

    return app


def logged_in(app: Flask, data: dict[str, Any], cookie: str = "session", signed_at: float | None = None) -> str:
    with ExitStack() as stack:
        if signed_at is not None:
            stack.enter_context(mock.patch("itsdangerous.timed.time.time", return_value=signed_at))
        client = app.test_client()
        assert client.post("/login", json=data).status_code == 200
    found = client.get_cookie(cookie)
    assert found is not None
    return found.value


class FlaskCookieSessions:
    """Flask's default `SecureCookieSessionInterface`."""

    signed = True
    stateful = False
    tamperable = True

    def __init__(self) -> None:
        self.secret = secrets.token_urlsafe(32)
        self.adapter: LegacySessions = FlaskCookieLegacySessions(
            InMemorySpentLegacyCookies(), AGE, (self.secret.encode(),), USER_KEY, SystemClock()
        )

    async def login(self, data: dict[str, Any], *, secret: str | None = None, expired: bool = False) -> str:
        signed_at = time.time() - LIFETIME - 1 if expired else None
        return logged_in(session_app(secret or self.secret), data, signed_at=signed_at)

    async def holds(self, cookie: str) -> bool:
        return True

    def forged(self, cookie: str) -> str:
        payload, stamp, signature = cookie.rsplit(".", 2)
        return f"{payload[:-2]}AA.{stamp}.{signature}"

    async def tamper(self, cookie: str) -> None:
        pass

    async def close(self) -> None:
        pass


class FlaskSessionRedisSessions:
    """Flask-Session on Redis, MessagePack (its default) or JSON, the session id signed or not."""

    stateful = True
    tamperable = False

    def __init__(self, redis_url: str, *, signer: bool, serialization: str = "msgpack") -> None:
        self.redis_url, self.signed, self.serialization = redis_url, signer, serialization
        self.prefix = f"session-{secrets.token_hex(4)}:"
        self.secret = secrets.token_urlsafe(32)
        self.client = Redis.from_url(redis_url)
        signer_secrets = (self.secret.encode(),) if signer else ()
        self.adapter: LegacySessions = FlaskSessionRedisLegacySessions(
            self.client, self.prefix, signer_secrets, USER_KEY, SystemClock()
        )

    async def login(self, data: dict[str, Any], *, secret: str | None = None, expired: bool = False) -> str:
        app = session_app(
            secret or self.secret,
            self.redis_url,
            prefix=self.prefix,
            SESSION_USE_SIGNER=self.signed,
            SESSION_SERIALIZATION_FORMAT=self.serialization,
        )
        cookie = logged_in(app, data)
        if expired:
            await self.client.pexpire(self.prefix + self._sid(cookie), 1)
            await _a_moment()
        return cookie

    def _sid(self, cookie: str) -> str:
        return cookie.rsplit(".", 1)[0] if self.signed else cookie

    async def holds(self, cookie: str) -> bool:
        return bool(await self.client.exists(self.prefix + self._sid(cookie)))

    def forged(self, cookie: str) -> str:
        return (
            secrets.token_urlsafe(32) if not self.signed else f"{secrets.token_urlsafe(32)}.{cookie.rsplit('.', 1)[1]}"
        )

    async def tamper(self, cookie: str) -> None:
        pass

    async def close(self) -> None:
        await self.client.aclose()


async def _a_moment() -> None:
    """Redis drops a key whose 1 ms TTL ran out on its next access."""
    import asyncio

    await asyncio.sleep(0.05)
