"""Verifies the access token of a protected request and hands its principal to the route: on `request.user`,
and to a route that takes no `request` through `authenticated_caller()`."""

from collections.abc import Mapping
from contextvars import ContextVar

from dishka import AsyncContainer
from litestar.connection import ASGIConnection
from litestar.openapi.spec import SecurityRequirement
from litestar.types import ASGIApp, Receive, Scope, Send

from application.results import Principal
from application.use_cases.verify_access_token import VerifyAccessToken
from domain.claims import MAX_TOKEN_LENGTH
from domain.errors import DomainError, InvalidAccessToken
from entrypoints.http.browser.cookie_header import parse_cookie_header
from entrypoints.http.browser.cookies import ACCESS_COOKIE, REFRESH_COOKIE
from entrypoints.http.browser.csrf import require_csrf_proof
from entrypoints.http.middleware.request_container import application_container
from entrypoints.http.problems.errors import ConflictingCredentials, MalformedAuthorization, MissingCredentials

BEARER_SCHEME = "BearerToken"
COOKIE_SCHEME = "AccessCookie"
PROTECTED: list[SecurityRequirement] = [{BEARER_SCHEME: []}, {COOKIE_SCHEME: []}]
"""OpenAPI security of a protected route: either scheme."""
MAX_AUTHORIZATION_LENGTH = MAX_TOKEN_LENGTH
"""A longer `Authorization` header is refused before any parsing or cryptography."""
EXCLUDE_FROM_AUTH = "exclude_from_auth"
"""Route option (Litestar's own name for it): the route is served without authentication."""
SIGNS_OUT_BY_REFRESH_COOKIE = "signs_out_by_refresh_cookie"
"""Route option: with no access token, the refresh cookie may name the session to end (`request.user` is None)."""

_CALLER: ContextVar[Principal | None] = ContextVar("tessera_caller", default=None)
"""Who the request being served speaks for, while its route runs: the middleware's answer, set and reset
around the route in the request's own task (a context of its own), so no other request ever sees it."""


class AccessTokenMiddleware:
    """`Authorization: Bearer`, else the access cookie (never the query string); the header wins, and a
    cookie of another user makes it a 400. A cookie on an unsafe request needs the CSRF proof first.
    A plain ASGI middleware, so that a protected request costs a cache look-up or one signature check."""

    __slots__ = ("_container", "_verify", "app")

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._container: object = None
        self._verify: VerifyAccessToken | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("method") != "OPTIONS" and not scope["route_handler"].opt.get(EXCLUDE_FROM_AUTH):
            container = application_container(scope)
            verify = self._verify
            if verify is None or self._container is not container:
                verify = await self._resolve(container)
            principal, scope["auth"] = _authenticate(scope, verify)
            scope["user"] = principal
            caller = _CALLER.set(principal)
            try:
                await self.app(scope, receive, send)
            finally:
                _CALLER.reset(caller)
            return
        await self.app(scope, receive, send)

    async def _resolve(self, container: AsyncContainer) -> VerifyAccessToken:
        """Resolved from the application's container once, and again only if the application changes."""
        self._verify = await container.get(VerifyAccessToken)
        self._container = container
        return self._verify


def authenticated_caller() -> Principal:
    """The principal of the request being served, for a route behind `AccessTokenMiddleware` that takes no
    `request`: Litestar parses every parameter of a route through its signature model, which costs a hot
    route more than its own work. Outside such a route (or on a route that lets a request through with no
    access token) there is none, and the request is refused as one without credentials."""
    principal = _CALLER.get()
    if principal is None:
        raise MissingCredentials
    return principal


def _authenticate(scope: Scope, verify: VerifyAccessToken) -> tuple[Principal | None, str | None]:
    header, cookies = _credentials(scope)
    cookie = cookies.get(ACCESS_COOKIE) or None
    if header is not None:
        token = _bearer_token(header)
        principal = verify.execute(token)
        if cookie is not None and _speaks_for_another_user(verify, cookie, principal):
            raise ConflictingCredentials
        return principal, token
    if cookie is not None:
        require_csrf_proof(ASGIConnection(scope), cookie_credential=True)
        if len(cookie) > MAX_TOKEN_LENGTH:
            raise InvalidAccessToken
        return verify.execute(cookie), cookie
    if scope["route_handler"].opt.get(SIGNS_OUT_BY_REFRESH_COOKIE) and cookies.get(REFRESH_COOKIE):
        require_csrf_proof(ASGIConnection(scope), cookie_credential=True)
        return None, None
    raise MissingCredentials


def _credentials(scope: Scope) -> tuple[str | None, Mapping[str, str]]:
    """The first `Authorization` header, and the cookies of the first `Cookie` header."""
    header: str | None = None
    cookie_header: str | None = None
    for name, value in scope["headers"]:
        name = name.lower()
        if name == b"authorization":
            if header is None:
                header = value.decode("latin-1")
        elif name == b"cookie" and cookie_header is None:
            cookie_header = value.decode("latin-1")
    return header, parse_cookie_header(cookie_header) if cookie_header else {}


def _bearer_token(header: str) -> str:
    if len(header) > MAX_AUTHORIZATION_LENGTH:
        raise MalformedAuthorization
    scheme, _, token = header.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or " " in token:
        raise MalformedAuthorization
    return token


def _speaks_for_another_user(verify: VerifyAccessToken, cookie: str, principal: Principal) -> bool:
    """An oversized or invalid cookie speaks for nobody: the request stands on its header."""
    if len(cookie) > MAX_TOKEN_LENGTH:
        return False
    try:
        return verify.execute(cookie).user_id != principal.user_id
    except DomainError:
        return False
