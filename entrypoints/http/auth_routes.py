"""Register, log in, refresh, log out: thin handlers, one use case each."""

from typing import Any

from dishka.integrations.litestar import FromDishka, inject
from litestar import Request, Router, post
from litestar.datastructures import CacheControlHeader
from litestar.middleware.base import DefineMiddleware
from litestar.params import JSONBody

from application.results import Principal, Profile, TokenPair
from application.use_cases.log_in import Credentials, LogIn
from application.use_cases.log_out import LogOut
from application.use_cases.log_out_everywhere import LogOutEverywhere
from application.use_cases.refresh_session import RefreshSession
from application.use_cases.register_user import RegisterUser, Registration
from entrypoints.http.authentication import BEARER_SCHEME, AccessTokenMiddleware
from entrypoints.http.openapi import UNAUTHENTICATED, problems
from entrypoints.http.schemas import LoginRequest, RefreshRequest, RegisterRequest, TokenResponse, UserResponse

NO_STORE = CacheControlHeader(no_store=True)
AuthenticatedRequest = Request[Principal, str, Any]


def token_response(pair: TokenPair) -> TokenResponse:
    return TokenResponse(
        access_token=pair.access_token,
        expires_in=pair.expires_in,
        refresh_token=pair.refresh_token,
        refresh_expires_in=pair.refresh_expires_in,
    )


def user_response(profile: Profile) -> UserResponse:
    return UserResponse(
        id=profile.id, email=profile.email, display_name=profile.display_name, created_at=profile.created_at
    )


@post(
    "/register",
    status_code=201,
    summary="Create an account",
    responses=problems(e400="Invalid email, password or display name", e409="The email is already registered"),
)
@inject
async def register(data: JSONBody[RegisterRequest], use_case: FromDishka[RegisterUser]) -> UserResponse:
    profile = await use_case.execute(Registration(data.email, data.password, data.display_name))
    return user_response(profile)


@post(
    "/login",
    status_code=200,
    cache_control=NO_STORE,
    summary="Open a session: an access and a refresh token",
    responses=problems(
        e400="Malformed body",
        e401="Unknown email or wrong password (the same answer for both)",
        e429="Too many failed logins for this account or address (see Retry-After)",
    ),
)
@inject
async def login(
    request: Request[Any, Any, Any], data: JSONBody[LoginRequest], use_case: FromDishka[LogIn]
) -> TokenResponse:
    address = request.client.host if request.client else None
    return token_response(await use_case.execute(Credentials(data.email, data.password, address)))


@post(
    "/refresh",
    status_code=200,
    cache_control=NO_STORE,
    summary="Rotate the refresh token",
    responses=problems(
        e400="Malformed body", e401="Unknown, expired, revoked or already spent (a spent one revokes its session)"
    ),
)
@inject
async def refresh(data: JSONBody[RefreshRequest], use_case: FromDishka[RefreshSession]) -> TokenResponse:
    return token_response(await use_case.execute(data.refresh_token))


@post(
    "/logout",
    status_code=204,
    summary="End this session",
    security=[{BEARER_SCHEME: []}],
    responses=problems(e401=UNAUTHENTICATED),
)
@inject
async def logout(request: AuthenticatedRequest, use_case: FromDishka[LogOut]) -> None:
    await use_case.execute(request.user)


@post(
    "/logout-all",
    status_code=204,
    summary="End every session of the user",
    security=[{BEARER_SCHEME: []}],
    responses=problems(e401=UNAUTHENTICATED),
)
@inject
async def logout_all(request: AuthenticatedRequest, use_case: FromDishka[LogOutEverywhere]) -> None:
    await use_case.execute(request.user)


public_auth_router = Router("/auth", route_handlers=[register, login, refresh], tags=["auth"])
session_router = Router(
    "/auth", route_handlers=[logout, logout_all], middleware=[DefineMiddleware(AccessTokenMiddleware)], tags=["auth"]
)
