"""Register, log in, refresh, log out: thin handlers, one use case each."""

from typing import Any

from dishka.integrations.litestar import FromDishka, inject
from litestar import Request, Response, Router, post
from litestar.params import JSONBody

from application.results import Principal
from application.use_cases.log_in import Credentials, LogIn
from application.use_cases.log_out import LogOut
from application.use_cases.log_out_by_refresh_token import LogOutByRefreshToken
from application.use_cases.log_out_everywhere import LogOutEverywhere
from application.use_cases.refresh_session import RefreshSession
from domain.claims import MAX_TOKEN_LENGTH
from domain.errors import InvalidRefreshToken
from domain.login_identifiers import LoginIdentifiers
from entrypoints.http.auth.authentication import PROTECTED, SIGNS_OUT_BY_REFRESH_COOKIE, AccessTokenMiddleware
from entrypoints.http.auth.requests import NO_STORE, AuthenticatedRequest, client_address
from entrypoints.http.bodies.auth import LoginRequest, RefreshRequest
from entrypoints.http.browser.cookies import (
    documented_cleared_cookies,
    documented_session_cookies,
)
from entrypoints.http.browser.csrf import require_csrf_proof
from entrypoints.http.browser.transport import (
    RefreshCookie,
    TokenAnswer,
    presented_refresh_token,
    signed_out,
    token_answer,
)
from entrypoints.http.openapi.error_responses import (
    CONFLICTING_CREDENTIALS,
    CROSS_SITE,
    NOT_JSON,
    SIGNED_OUT,
    UNAUTHENTICATED,
    error_responses,
)
from entrypoints.http.problems.errors import InvalidRequest, MissingCredentials
from entrypoints.http.routes.registration import register
from entrypoints.settings.environment import SameSite


@post(
    "/login",
    status_code=200,
    cache_control=NO_STORE,
    summary="Open a session: an access and a refresh token, in the body or (transport: cookie) in cookies",
    responses=error_responses(
        e400="Malformed body; not exactly one of `email`, `username`, `identifier`; or a kind of name "
        "this service does not accept (TESSERA_LOGIN_IDENTIFIERS): `invalid_params` names the field",
        e401="Unknown account or wrong password (the same answer for both)",
        e403=f"{CROSS_SITE}; or the right password of a disabled account (account-disabled)",
        e415=NOT_JSON,
        e429="Too many failed logins for this account or address (see Retry-After)",
    ),
)
@inject
async def login(
    request: Request[Any, Any, Any],
    data: JSONBody[LoginRequest],
    use_case: FromDishka[LogIn],
    accepted: FromDishka[LoginIdentifiers],
) -> TokenAnswer:
    require_csrf_proof(request, answer=data.transport)
    kind, name = data.account()
    if kind is not None and not accepted.accepts(kind):
        raise InvalidRequest(f"This service does not log in by {kind} (it accepts: {accepted}).", field=kind.value)
    pair = await use_case.execute(
        Credentials(
            name, data.password, client_address(request), request.headers.get("user-agent"), data.remember, kind
        )
    )
    return token_answer(pair, data.transport, request)


@post(
    "/refresh",
    status_code=200,
    cache_control=NO_STORE,
    summary="Rotate the refresh token: from the body, or else from the refresh cookie (answered in cookies)",
    responses=error_responses(
        e400="Malformed body, or `transport: bearer` without `refresh_token` (the refresh cookie's token is "
        "answered in cookies only, even beside a bearer request)",
        e401="Unknown, expired, revoked or already spent (a spent one revokes its session)",
        e403=CROSS_SITE,
        e415=NOT_JSON,
    ),
)
@inject
async def refresh(
    request: Request[Any, Any, Any],
    data: JSONBody[RefreshRequest],
    use_case: FromDishka[RefreshSession],
    refresh_cookie: RefreshCookie = None,
) -> TokenAnswer:
    presented, transport = presented_refresh_token(data, refresh_cookie, request)
    return token_answer(await use_case.execute(presented, client_address(request)), transport, request)


@post(
    "/logout",
    status_code=204,
    summary="End this session (by access token, or by the refresh cookie alone) and clear the session cookies",
    security=PROTECTED,
    opt={SIGNS_OUT_BY_REFRESH_COOKIE: True},
    responses={**error_responses(e400=CONFLICTING_CREDENTIALS, e401=UNAUTHENTICATED, e403=CROSS_SITE), **SIGNED_OUT},
)
@inject
async def logout(
    request: Request[Principal | None, Any, Any],
    use_case: FromDishka[LogOut],
    by_refresh_token: FromDishka[LogOutByRefreshToken],
    refresh_cookie: RefreshCookie = None,
) -> Response[None]:
    if request.user is not None:
        await use_case.execute(request.user, client_address(request))
    elif refresh_cookie is None:
        raise MissingCredentials
    elif len(refresh_cookie) > MAX_TOKEN_LENGTH:
        raise InvalidRefreshToken
    else:
        await by_refresh_token.execute(refresh_cookie, client_address(request))
    return signed_out(request)


@post(
    "/logout-all",
    status_code=204,
    summary="End every session of the user and clear the session cookies",
    security=PROTECTED,
    responses={**error_responses(e400=CONFLICTING_CREDENTIALS, e401=UNAUTHENTICATED, e403=CROSS_SITE), **SIGNED_OUT},
)
@inject
async def logout_all(request: AuthenticatedRequest, use_case: FromDishka[LogOutEverywhere]) -> Response[None]:
    await use_case.execute(request.user, client_address(request))
    return signed_out(request)


def auth_routers(same_site: SameSite) -> list[Router]:
    """The routes under /auth; the Set-Cookie headers they document carry the configured SameSite."""
    opened, cleared = documented_session_cookies(same_site), documented_cleared_cookies(same_site)
    return [
        Router("/auth", route_handlers=[register], tags=["auth"]),
        Router("/auth", route_handlers=[login, refresh], response_cookies=opened, tags=["auth"]),
        Router(
            "/auth",
            route_handlers=[logout, logout_all],
            middleware=[AccessTokenMiddleware],
            response_cookies=cleared,
            tags=["auth"],
        ),
    ]
