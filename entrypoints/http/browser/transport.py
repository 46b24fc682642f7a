"""Bearer or cookie: how a token pair travels back, and where a refresh token comes from.

The use cases never learn which: they take and return plain tokens; this module moves them
between the JSON body and the session cookies.
"""

from typing import Annotated, Any

from litestar import Response
from litestar.connection import ASGIConnection
from litestar.params import CookieParameter

from application.results import TokenPair
from domain.claims import MAX_TOKEN_LENGTH
from domain.errors import InvalidRefreshToken
from entrypoints.http.bodies.auth import CookieSessionResponse, RefreshRequest, TokenResponse
from entrypoints.http.bodies.shared import Transport
from entrypoints.http.browser.cookies import (
    REFRESH_COOKIE,
    cleared_session_cookies,
    session_cookies,
)
from entrypoints.http.browser.csrf import require_csrf_proof
from entrypoints.http.middleware.request_container import browser_policy
from entrypoints.http.problems.errors import InvalidRequest

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
        require_csrf_proof(connection, answer=transport)
        return data.refresh_token, transport
    if data.transport == "bearer":
        raise InvalidRequest(
            "A bearer answer needs the refresh token in the body; the cookie's is answered in cookies.",
            field="refresh_token",
        )
    if not cookie or len(cookie) > MAX_TOKEN_LENGTH:
        raise InvalidRefreshToken
    require_csrf_proof(connection, cookie_credential=True)
    return cookie, "cookie"
