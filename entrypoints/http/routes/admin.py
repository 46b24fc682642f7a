"""`/admin`: operators' routes, for tokens carrying the `admin` role (re-checked in storage)."""

from typing import Annotated, Any
from uuid import UUID

from dishka.integrations.litestar import FromDishka, inject
from litestar import Router, delete, get, post, put
from litestar.middleware.base import DefineMiddleware
from litestar.params import FromPath, JSONBody, Parameter

from application.actors import Actor
from application.results import UserSummary
from application.use_cases.disable_user import DisableUser
from application.use_cases.enable_user import EnableUser
from application.use_cases.end_user_sessions import EndUserSessions
from application.use_cases.list_users import MAX_PAGE, ListUsers
from application.use_cases.set_user_claims import SetUserClaims
from domain.errors import UnknownUser
from domain.users import ADMIN_ROLE
from entrypoints.http.auth.authentication import PROTECTED, AccessTokenMiddleware
from entrypoints.http.auth.guards import requires_role
from entrypoints.http.auth.requests import NO_STORE, AuthenticatedRequest, client_address
from entrypoints.http.bodies.management import AdminUser, EndedSessions, UsersPage
from entrypoints.http.openapi.error_responses import (
    CONFLICTING_CREDENTIALS,
    CROSS_SITE,
    UNAUTHENTICATED,
    error_responses,
)

FORBIDDEN = 'The caller lacks the admin role (WWW-Authenticate: error="insufficient_scope")'
UNSAFE_FORBIDDEN = f"{FORBIDDEN}; or {CROSS_SITE[0].lower()}{CROSS_SITE[1:]}"
NO_USER = "No user has this id (or it is not a UUID)"
MAX_OFFSET = 2**31 - 1


def _actor(request: AuthenticatedRequest) -> Actor:
    return Actor(request.user.user_id, client_address(request))


def _user_id(raw: str) -> UUID:
    try:
        return UUID(raw)
    except ValueError:
        raise UnknownUser from None


def _admin_user(user: UserSummary) -> AdminUser:
    return AdminUser(
        user.id,
        user.email,
        user.display_name,
        list(user.roles),
        user.created_at,
        user.disabled_at is not None,
        user.disabled_at,
        dict(user.claims.as_dict()),
        user.username,
        user.legacy_id,
    )


@get(
    "/users",
    summary="Users, oldest first, a page at a time",
    security=PROTECTED,
    cache_control=NO_STORE,
    responses=error_responses(
        e400=f"A limit or offset out of range; or {CONFLICTING_CREDENTIALS}", e401=UNAUTHENTICATED, e403=FORBIDDEN
    ),
)
@inject
async def list_users(
    request: AuthenticatedRequest,
    use_case: FromDishka[ListUsers],
    limit: Annotated[int, Parameter(ge=1, le=MAX_PAGE, description="Users per page")] = 50,
    offset: Annotated[int, Parameter(ge=0, le=MAX_OFFSET, description="Users to skip")] = 0,
) -> UsersPage:
    users = await use_case.execute(_actor(request), limit, offset)
    return UsersPage([_admin_user(u) for u in users], offset + len(users) if len(users) == limit else None)


_CHANGE = error_responses(e400=CONFLICTING_CREDENTIALS, e401=UNAUTHENTICATED, e403=UNSAFE_FORBIDDEN, e404=NO_USER)


@post(
    "/users/{user_id:str}/disable",
    status_code=200,
    summary="Disable a user: every session ends now, and login and refresh are refused until enabled",
    security=PROTECTED,
    responses={**_CHANGE, **error_responses(e409="An admin cannot disable themself")},
)
@inject
async def disable_user(
    request: AuthenticatedRequest, user_id: FromPath[str], use_case: FromDishka[DisableUser]
) -> AdminUser:
    return _admin_user(await use_case.execute(_user_id(user_id), _actor(request)))


@post(
    "/users/{user_id:str}/enable",
    status_code=200,
    summary="Enable a disabled user: they may log in again; their ended sessions stay ended",
    security=PROTECTED,
    responses=_CHANGE,
)
@inject
async def enable_user(
    request: AuthenticatedRequest, user_id: FromPath[str], use_case: FromDishka[EnableUser]
) -> AdminUser:
    return _admin_user(await use_case.execute(_user_id(user_id), _actor(request)))


@put(
    "/users/{user_id:str}/claims",
    status_code=200,
    summary="Replace a user's custom claims, carried in their access tokens from the next login or refresh",
    description="A JSON object of at most 1024 bytes encoded, none of whose names is a registered or tessera's "
    "own claim (`iss`, `sub`, `aud`, `exp`, `nbf`, `iat`, `jti`, `sid`, `roles`, `typ`, `client_id`, `scope`, …); "
    "`{}` removes them all. With TESSERA_CUSTOM_CLAIM_NAMES set, only the names it lists.",
    security=PROTECTED,
    responses={
        **_CHANGE,
        **error_responses(
            e400="Not a JSON object, too long, a reserved name (invalid-claims); a name outside "
            f"TESSERA_CUSTOM_CLAIM_NAMES (claim-not-allowed, the names given); or {CONFLICTING_CREDENTIALS}"
        ),
    },
)
@inject
async def set_user_claims(
    request: AuthenticatedRequest,
    user_id: FromPath[str],
    data: JSONBody[dict[str, Any]],
    use_case: FromDishka[SetUserClaims],
) -> AdminUser:
    return _admin_user(await use_case.execute(_user_id(user_id), data, _actor(request)))


@delete(
    "/users/{user_id:str}/sessions",
    status_code=200,
    summary="End every session of a user (they may log in again); how many were ended",
    security=PROTECTED,
    responses=_CHANGE,
)
@inject
async def end_user_sessions(
    request: AuthenticatedRequest, user_id: FromPath[str], use_case: FromDishka[EndUserSessions]
) -> EndedSessions:
    return EndedSessions(await use_case.execute(_user_id(user_id), _actor(request)))


admin_router = Router(
    "/admin",
    route_handlers=[list_users, disable_user, enable_user, set_user_claims, end_user_sessions],
    middleware=[DefineMiddleware(AccessTokenMiddleware)],
    guards=[requires_role(ADMIN_ROLE)],
    tags=["admin"],
)
