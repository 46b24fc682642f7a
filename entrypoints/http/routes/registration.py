"""`POST /auth/register`: a new account, throttled per address before any hashing."""

from typing import Any

from dishka.integrations.litestar import FromDishka, inject
from litestar import Request, post
from litestar.params import JSONBody

from application.use_cases.register_user import RegisterUser, Registration
from entrypoints.http.auth.requests import client_address
from entrypoints.http.bodies.auth import RegisterRequest, UserResponse
from entrypoints.http.openapi.error_responses import NOT_JSON, error_responses


@post(
    "/register",
    status_code=201,
    summary="Create an account",
    responses=error_responses(
        e400="Invalid email, password or display name; or a body that is not UTF-8 JSON",
        e409="The email is already registered",
        e415=NOT_JSON,
        e429="Too many registrations from this address (see Retry-After)",
    ),
)
@inject
async def register(
    request: Request[Any, Any, Any], data: JSONBody[RegisterRequest], use_case: FromDishka[RegisterUser]
) -> UserResponse:
    address = client_address(request) or ""
    profile = await use_case.execute(Registration(data.email, data.password, data.display_name, (), address))
    return UserResponse(
        id=profile.id, email=profile.email, display_name=profile.display_name, created_at=profile.created_at
    )
