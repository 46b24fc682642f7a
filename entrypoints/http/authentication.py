"""Verifies the access token of a protected request and puts its principal on `request.user`."""

from litestar.connection import ASGIConnection
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult
from litestar.openapi.spec import SecurityRequirement

from application.results import Principal
from application.use_cases.verify_access_token import VerifyAccessToken
from domain.errors import DomainError, InvalidAccessToken
from entrypoints.http.cookies import ACCESS_COOKIE, MAX_COOKIE_TOKEN_LENGTH, REFRESH_COOKIE
from entrypoints.http.csrf import require_same_origin_if_unsafe
from entrypoints.http.problems import ConflictingCredentials, MalformedAuthorization, MissingCredentials

BEARER_SCHEME = "BearerToken"
COOKIE_SCHEME = "AccessCookie"
PROTECTED: list[SecurityRequirement] = [{BEARER_SCHEME: []}, {COOKIE_SCHEME: []}]
"""OpenAPI security of a protected route: either scheme."""
MAX_AUTHORIZATION_LENGTH = 4096
"""Longer headers are refused before any parsing or cryptography."""
SIGNS_OUT_BY_REFRESH_COOKIE = "signs_out_by_refresh_cookie"
"""Route option: with no access token, the refresh cookie may name the session to end (`request.user` is None)."""


class AccessTokenMiddleware(AbstractAuthenticationMiddleware):
    """`Authorization: Bearer`, or else the `__Host-tessera-access` cookie. Tokens in the query
    string are ignored, never read.

    A cookie-authenticated unsafe request must pass the CSRF check first. When a request carries
    both, the header authenticates it, and a cookie that verifies to another user makes it a 400:
    one request never speaks for two people.

    The verifier is resolved once at start-up (see the app factory), so a protected request
    costs one signature check and a dictionary look-up: no container, no I/O.
    """

    async def authenticate_request(self, connection: ASGIConnection) -> AuthenticationResult:  # type: ignore[type-arg]
        verify: VerifyAccessToken = connection.app.state.verify_access_token
        header = connection.headers.get("authorization")
        cookie = connection.cookies.get(ACCESS_COOKIE) or None
        if header is not None:
            token = _bearer_token(header)
            principal = verify.execute(token)
            if cookie is not None and _speaks_for_another_user(verify, cookie, principal):
                raise ConflictingCredentials
            return AuthenticationResult(user=principal, auth=token)
        if cookie is not None:
            require_same_origin_if_unsafe(connection)
            if len(cookie) > MAX_COOKIE_TOKEN_LENGTH:
                raise InvalidAccessToken
            return AuthenticationResult(user=verify.execute(cookie), auth=cookie)
        if connection.route_handler.opt.get(SIGNS_OUT_BY_REFRESH_COOKIE) and connection.cookies.get(REFRESH_COOKIE):
            require_same_origin_if_unsafe(connection)
            return AuthenticationResult(user=None, auth=None)
        raise MissingCredentials


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
    if len(cookie) > MAX_COOKIE_TOKEN_LENGTH:
        return False
    try:
        return verify.execute(cookie).user_id != principal.user_id
    except DomainError:
        return False
