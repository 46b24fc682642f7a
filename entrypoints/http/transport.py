"""Bearer or cookie: how a token pair travels back, and where a refresh token comes from.

The use cases never learn which: they take and return plain tokens; this module moves them
between the JSON body and the session cookies.
"""

from typing import Annotated, Any

from litestar import Response
from litestar.connection import ASGIConnection
from litestar.params import CookieParameter

from application.results import Principal, TokenPair
from application.use_cases.refresh_session import RefreshSession
from application.use_cases.verify_access_token import VerifyAccessToken
from domain.errors import InvalidRefreshToken
from entrypoints.http.browser import browser_policy
from entrypoints.http.cookies import (
    MAX_COOKIE_TOKEN_LENGTH,
    REFRESH_COOKIE,
    cleared_session_cookies,
    session_cookies,
)
from entrypoints.http.csrf import require_same_origin
from entrypoints.http.problems import InvalidRequest, MissingCredentials
from entrypoints.http.schemas import CookieSessionResponse, RefreshRequest, TokenResponse, Transport

TokenAnswer = Response[TokenResponse | CookieSessionResponse]
RefreshCookie = Annotated[
    str | None,
    CookieParameter(
        name=REFRESH_COOKIE,
        required=False,
        description="The refresh token of the cookie transport (sent by browsers to /auth/refresh and /auth/logout).",
    ),
]


def token_answer(pair: TokenPair, transport: Transport, connection: ASGIConnection[Any, Any, Any, Any]) -> TokenAnswer:
    if transport == "bearer":
        body = TokenResponse(
            access_token=pair.access_token,
            expires_in=pair.expires_in,
            refresh_token=pair.refresh_token,
            refresh_expires_in=pair.refresh_expires_in,
        )
        return Response(body)
    cookies = session_cookies(pair, browser_policy(connection).same_site)
    return Response(CookieSessionResponse(pair.expires_in, pair.refresh_expires_in), cookies=cookies)


def signed_out(connection: ASGIConnection[Any, Any, Any, Any]) -> Response[None]:
    """Whatever the transport: a bearer client is unaffected, a browser loses its session cookies."""
    return Response(None, status_code=204, cookies=cleared_session_cookies(browser_policy(connection).same_site))


def presented_refresh_token(
    data: RefreshRequest, cookie: str | None, connection: ASGIConnection[Any, Any, Any, Any]
) -> tuple[str, Transport]:
    """The body's refresh token, answered as asked (bearer by default); else the cookie's, answered
    in cookies only, so that a script can never read out a token it was not given. Any request that
    uses or sets the cookies passes the CSRF check."""
    if data.refresh_token is not None:
        transport = data.transport or "bearer"
        if transport == "cookie":
            require_same_origin(connection)
        return data.refresh_token, transport
    if data.transport == "bearer":
        raise InvalidRequest(
            "A bearer answer needs the refresh token in the body; the cookie's is answered in cookies."
        )
    if not cookie or len(cookie) > MAX_COOKIE_TOKEN_LENGTH:
        raise InvalidRefreshToken
    require_same_origin(connection)
    return cookie, "cookie"


async def session_to_end(
    principal: Principal | None,
    refresh_cookie: str | None,
    refresh: RefreshSession,
    connection: ASGIConnection[Any, Any, Any, Any],
) -> Principal:
    """The access token's session; or, when only the refresh cookie came (the access cookie has
    expired), the session of that refresh token.

    A stand-in until the application offers a use case that ends a session by its refresh token:
    rotating refuses an unknown, expired, revoked or reused token exactly as /auth/refresh does
    (reuse revokes the session), and the fresh access token names the session. Its successor is
    never handed out."""
    if principal is not None:
        return principal
    if refresh_cookie is None:
        raise MissingCredentials
    if len(refresh_cookie) > MAX_COOKIE_TOKEN_LENGTH:
        raise InvalidRefreshToken
    pair = await refresh.execute(refresh_cookie)
    verify: VerifyAccessToken = connection.app.state.verify_access_token
    return verify.execute(pair.access_token)
