from dishka.integrations.litestar import FromDishka, inject
from litestar import Router, get

from application.use_cases.get_profile import GetProfile
from entrypoints.http.auth_routes import AuthenticatedRequest
from entrypoints.http.authentication import PROTECTED, AccessTokenMiddleware
from entrypoints.http.openapi import CONFLICTING_CREDENTIALS, UNAUTHENTICATED, problems
from entrypoints.http.schemas import ProfileResponse, SessionResponse


@get(
    "/profile",
    summary="The caller's profile",
    security=PROTECTED,
    responses=problems(e400=CONFLICTING_CREDENTIALS, e401=UNAUTHENTICATED),
)
@inject
async def profile(request: AuthenticatedRequest, use_case: FromDishka[GetProfile]) -> ProfileResponse:
    found = await use_case.execute(request.user)
    return ProfileResponse(
        id=found.id,
        email=found.email,
        display_name=found.display_name,
        roles=list(found.roles),
        created_at=found.created_at,
    )


@get(
    "/session",
    summary="Who the access token speaks for, from the token alone: no database, served during an outage",
    security=PROTECTED,
    responses=problems(e400=CONFLICTING_CREDENTIALS, e401=UNAUTHENTICATED),
)
async def session(request: AuthenticatedRequest) -> SessionResponse:
    principal = request.user
    return SessionResponse(user_id=principal.user_id, session_id=principal.session_id, roles=list(principal.roles))


user_router = Router("/api/user", route_handlers=[profile, session], middleware=[AccessTokenMiddleware], tags=["user"])
