"""The Litestar application factory."""

from dishka import Provider
from dishka.integrations.litestar import setup_dishka
from litestar import Litestar, Router
from litestar.datastructures import State
from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import Components, SecurityScheme
from litestar.types import ASGIApp, Receive, Scope, Send

from adapters.system_clock import SystemClock
from application.use_cases.authenticate_client import AuthenticateClient
from application.use_cases.manage_signing_keys import SigningKeys
from application.use_cases.verify_access_token import VerifyAccessToken
from entrypoints.background import BackgroundWork, schedule_for
from entrypoints.config import Settings
from entrypoints.http.admin_routes import admin_router
from entrypoints.http.auth_routes import public_auth_router, session_router
from entrypoints.http.authentication import BEARER_SCHEME, COOKIE_SCHEME
from entrypoints.http.browser import BrowserPolicy
from entrypoints.http.client_authentication import CLIENT_SCHEME
from entrypoints.http.cookies import ACCESS_COOKIE
from entrypoints.http.demo_routes import demo_router
from entrypoints.http.device_routes import device_router
from entrypoints.http.oauth_routes import oauth_router
from entrypoints.http.operations_routes import health, metrics, ready
from entrypoints.http.problems import EXCEPTION_HANDLERS
from entrypoints.http.public_routes import jwks
from entrypoints.http.user_routes import user_router
from entrypoints.ioc import build_container

MAX_BODY_BYTES = 64 * 1024


def create_app(settings: Settings | None = None, *overrides: Provider) -> Litestar:
    settings = settings or Settings.from_env()
    container = build_container(settings, *overrides)
    browsers = BrowserPolicy.from_settings(settings)

    background = BackgroundWork(container, SystemClock(), schedule_for(settings))

    async def start(app: Litestar) -> None:
        # Resolved once: the protected-request path then touches no container at all.
        app.state.verify_access_token = await container.get(VerifyAccessToken)
        app.state.authenticate_client = await container.get(AuthenticateClient)
        if settings.key_encryption_key:
            async with container() as request_container:
                await (await request_container.get(SigningKeys)).ensure_one(settings.signing_alg)
        await background.start()

    async def stop(_: Litestar) -> None:
        await background.stop()
        await container.close()

    app = Litestar(
        route_handlers=[
            public_auth_router,
            session_router,
            device_router,
            admin_router,
            user_router,
            oauth_router,
            jwks,
            health,
            ready,
            metrics,
            demo_router,
            *legacy_bridge_routes(settings),
        ],
        exception_handlers=EXCEPTION_HANDLERS,
        on_startup=[start],
        on_shutdown=[stop],
        request_max_body_size=MAX_BODY_BYTES,
        state=State({"browser_policy": browsers, "background": background}),
        cors_config=browsers.cors(),
        openapi_config=OpenAPIConfig(
            title="tessera",
            version="0.1.0",
            description="Stateless JWT authentication: access tokens verified anywhere, rotating refresh tokens.",
            components=Components(
                security_schemes={
                    BEARER_SCHEME: SecurityScheme(type="http", scheme="bearer", bearer_format="JWT"),
                    COOKIE_SCHEME: SecurityScheme(
                        type="apiKey",
                        name=ACCESS_COOKIE,
                        security_scheme_in="cookie",
                        description="The cookie transport's access token. Unsafe methods also need "
                        "'X-Requested-With: tessera' and tessera's own or a configured Origin.",
                    ),
                    CLIENT_SCHEME: SecurityScheme(
                        type="http",
                        scheme="basic",
                        description="A trusted backend client of /oauth/*: client id and secret (client_secret_basic) "
                        "from TESSERA_OAUTH_CLIENTS.",
                    ),
                }
            ),
        ),
        debug=False,
    )
    without_container = app.asgi_handler
    setup_dishka(container, app)
    app.asgi_handler = _request_container_unless_needless(app.asgi_handler, without_container)
    return app


def legacy_bridge_routes(settings: Settings) -> list[Router]:
    """POST /auth/session/exchange, only when the bridge is configured: otherwise absent (404)."""
    if settings.legacy_bridge is None:
        return []
    from entrypoints.http.legacy_routes import exchange_router

    return [exchange_router(settings.legacy_bridge)]


NO_REQUEST_CONTAINER = frozenset({"/api/user/session", "/health"})
"""Routes that inject nothing: dishka's middleware would open (and close) a request container for
each of them all the same. Their handlers must never take `FromDishka` parameters."""


def _request_container_unless_needless(with_container: ASGIApp, without_container: ASGIApp) -> ASGIApp:
    async def handler(scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("path") in NO_REQUEST_CONTAINER:
            await without_container(scope, receive, send)
        else:
            await with_container(scope, receive, send)

    return handler
