"""The Litestar application factory."""

import gc

from dishka import Provider
from litestar import Litestar, Router
from litestar.middleware import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import Components, SecurityScheme

from application.use_cases.verify_access_token import VerifyAccessToken
from domain.login_identifiers import IdentifierKind
from entrypoints.background.work import BackgroundWork
from entrypoints.http.auth.authentication import BEARER_SCHEME, COOKIE_SCHEME
from entrypoints.http.auth.client_authentication import CLIENT_SCHEME
from entrypoints.http.bodies.auth import LoginRequest
from entrypoints.http.browser.cookies import ACCESS_COOKIE
from entrypoints.http.browser.cors import cors_config
from entrypoints.http.middleware.json_bodies import require_json_body
from entrypoints.http.middleware.request_container import RequestContainerMiddleware
from entrypoints.http.openapi.body_schemas import ClosedStructSchemaPlugin
from entrypoints.http.openapi.error_responses import MAX_BODY_BYTES
from entrypoints.http.openapi.pages import schema_plugins, schema_router
from entrypoints.http.problems.exception_handlers import EXCEPTION_HANDLERS
from entrypoints.http.routes.admin import admin_router
from entrypoints.http.routes.auth import auth_routers
from entrypoints.http.routes.demo import demo_router
from entrypoints.http.routes.devices import device_router
from entrypoints.http.routes.oauth import oauth_router
from entrypoints.http.routes.operations import health, ready
from entrypoints.http.routes.password import password_routers
from entrypoints.http.routes.public import jwks, metadata
from entrypoints.http.routes.user import user_router
from entrypoints.ioc.container import build_container
from entrypoints.settings.browser import BrowserPolicy
from entrypoints.settings.config import Settings
from entrypoints.settings.environment import SameSite
from entrypoints.settings.reader import settings_from_env


def create_app(settings: Settings | None = None, *overrides: Provider) -> Litestar:
    """Everything the app uses comes from the one container; the factory only reads the browser policy
    from the settings, as the container does: Litestar needs its CORS before the first request, and
    the OpenAPI schema documents its SameSite."""
    settings = settings or settings_from_env()
    container = build_container(settings, *overrides)
    background = BackgroundWork(container, settings)
    browsers = BrowserPolicy.from_settings(settings)

    async def start(_: Litestar) -> None:
        # The key set is loaded now, not by the first request: a bad key stops the start.
        await container.get(VerifyAccessToken)
        await background.start()
        # What start-up made (modules, the container, the key set) lives as long as the process: left
        # out of every later garbage collection, a full one walks only what requests have made since.
        gc.freeze()

    async def stop(_: Litestar) -> None:
        await background.stop()
        await container.close()

    app = Litestar(
        route_handlers=[
            *auth_routers(browsers.same_site),
            device_router,
            *password_routers(settings.password_reset_by_mail),
            admin_router,
            user_router,
            oauth_router,
            jwks,
            metadata,
            health,
            ready,
            demo_router,
            *legacy_bridge_routes(settings, browsers.same_site),
        ],
        middleware=[DefineMiddleware(RequestContainerMiddleware, container=container)],
        exception_handlers=EXCEPTION_HANDLERS,
        before_request=require_json_body,
        on_startup=[start],
        on_shutdown=[stop],
        request_max_body_size=MAX_BODY_BYTES,
        cors_config=cors_config(browsers),
        openapi_config=_openapi(settings.schema_pages),
        plugins=[ClosedStructSchemaPlugin(withheld_fields(settings))],
        debug=False,
    )
    app.state.dishka_container = container  # dishka's convention: tests reach stored state through it
    return app


def withheld_fields(settings: Settings) -> dict[type, frozenset[str]]:
    """Body fields this deployment refuses by its settings, left out of the OpenAPI schema."""
    if settings.login_identifiers.accepts(IdentifierKind.USERNAME):
        return {}
    return {LoginRequest: frozenset({"username"})}


def legacy_bridge_routes(settings: Settings, same_site: SameSite) -> list[Router]:
    """POST /auth/session/exchange, only when the bridge is configured: otherwise absent (404)."""
    if settings.legacy_bridge is None:
        return []
    from entrypoints.http.routes.legacy import exchange_router

    return [exchange_router(settings.legacy_bridge, same_site)]


def _openapi(pages: bool) -> OpenAPIConfig:
    return OpenAPIConfig(
        render_plugins=schema_plugins(pages),
        openapi_router=schema_router(pages),
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
    )
