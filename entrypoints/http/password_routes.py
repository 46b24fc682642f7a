"""Changing one's password (signed in)."""

from dishka.integrations.litestar import FromDishka, inject
from litestar import Response, Router, post
from litestar.middleware.base import DefineMiddleware
from litestar.params import JSONBody

from application.use_cases.change_password import ChangePassword, PasswordChange
from entrypoints.http.authentication import PROTECTED, AccessTokenMiddleware
from entrypoints.http.openapi import CONFLICTING_CREDENTIALS, CROSS_SITE, NOT_JSON, UNAUTHENTICATED, problems
from entrypoints.http.password_schemas import PasswordChangeRequest
from entrypoints.http.requests import AuthenticatedRequest, client_address


@post(
    "/password",
    status_code=204,
    summary="Change the caller's password: every other session of theirs ends, this one stays",
    security=PROTECTED,
    responses=problems(
        e400=f"A new password outside 8–1024 characters; malformed body; or {CONFLICTING_CREDENTIALS.lower()}",
        e401=UNAUTHENTICATED,
        e403=f"The current password is wrong (wrong-current-password); or {CROSS_SITE.lower()}",
        e415=NOT_JSON,
        e429="Too many wrong passwords for this account or address, counted with failed logins (see Retry-After)",
    ),
)
@inject
async def change_password(
    request: AuthenticatedRequest, data: JSONBody[PasswordChangeRequest], use_case: FromDishka[ChangePassword]
) -> Response[None]:
    change = PasswordChange(data.current_password, data.new_password, client_address(request))
    await use_case.execute(request.user, change)
    return Response(None, status_code=204)


password_change_router = Router(
    "/auth",
    route_handlers=[change_password],
    middleware=[DefineMiddleware(AccessTokenMiddleware)],
    tags=["auth"],
)
