"""Changing one's password (signed in), and resetting a forgotten one by a mailed link."""

from typing import Any

from dishka.integrations.litestar import FromDishka, inject
from litestar import Request, Response, Router, post
from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler
from litestar.middleware.base import DefineMiddleware
from litestar.openapi import ResponseSpec
from litestar.params import JSONBody

from application.use_cases.change_password import ChangePassword, PasswordChange
from application.use_cases.confirm_password_reset import ConfirmPasswordReset
from application.use_cases.request_password_reset import RequestPasswordReset
from entrypoints.http.auth.authentication import PROTECTED, AccessTokenMiddleware
from entrypoints.http.auth.requests import AuthenticatedRequest, client_address
from entrypoints.http.bodies.password import PasswordChangeRequest, PasswordResetConfirmation, PasswordResetRequest
from entrypoints.http.openapi.error_responses import (
    CONFLICTING_CREDENTIALS,
    CROSS_SITE,
    NOT_JSON,
    UNAUTHENTICATED,
    error_responses,
)
from entrypoints.http.problems.errors import PasswordResetUnavailable

DONE = {204: ResponseSpec(data_container=None, description="Done; no body.")}
ACCEPTED = {
    202: ResponseSpec(
        data_container=None,
        description="Accepted; an empty body. The same answer, whether or not the email is registered: a "
        "registered, enabled account is mailed a link valid for 30 minutes (TESSERA_PASSWORD_RESET_URL).",
    )
}


@post(
    "/password",
    status_code=204,
    summary="Change the caller's password: every other session of theirs ends, this one stays",
    security=PROTECTED,
    responses={
        **DONE,
        **error_responses(
            e400=f"A new password outside 8–1024 characters; malformed body; or {CONFLICTING_CREDENTIALS.lower()}",
            e401=UNAUTHENTICATED,
            e403=f"The current password is wrong (wrong-current-password); or {CROSS_SITE.lower()}",
            e415=NOT_JSON,
            e429="Too many wrong passwords for this account or address, counted with failed logins (see Retry-After)",
        ),
    },
)
@inject
async def change_password(
    request: AuthenticatedRequest, data: JSONBody[PasswordChangeRequest], use_case: FromDishka[ChangePassword]
) -> Response[None]:
    change = PasswordChange(data.current_password, data.new_password, client_address(request))
    await use_case.execute(request.user, change)
    return Response(None, status_code=204)


NO_MAIL = (
    "Password reset by mail is off (password-reset-unavailable): no TESSERA_SMTP_URL outside development. "
    "An operator can still print a link: tessera users reset-link"
)


@post(
    "/password-reset",
    status_code=202,
    summary="Mail a password-reset link: always 202 with an empty body, whether or not the email is registered",
    responses={
        **error_responses(
            e400="Malformed body, or an email that is no email address",
            e415=NOT_JSON,
            e429="Too many reset requests from this address, for any emails "
            "(TESSERA_PASSWORD_RESET_MAX_PER_ADDRESS a window; see Retry-After)",
            e501=NO_MAIL,
        ),
        **ACCEPTED,
    },
)
@inject
async def request_password_reset(
    request: Request[Any, Any, Any], data: JSONBody[PasswordResetRequest], use_case: FromDishka[RequestPasswordReset]
) -> Response[bytes]:
    await use_case.execute(data.email, client_address(request))
    return Response(b"", status_code=202, media_type="text/plain")


@post(
    "/password-reset/confirm",
    status_code=204,
    summary="Set a new password with the mailed token: every session of the user ends",
    responses={
        **DONE,
        **error_responses(
            e400="A used, expired or unknown token (invalid-password-reset-token, all alike); a new password "
            "outside 8–1024 characters; or a malformed body",
            e415=NOT_JSON,
            e501=NO_MAIL,
        ),
    },
)
@inject
async def confirm_password_reset(
    request: Request[Any, Any, Any],
    data: JSONBody[PasswordResetConfirmation],
    use_case: FromDishka[ConfirmPasswordReset],
) -> Response[None]:
    await use_case.execute(data.token, data.new_password, client_address(request))
    return Response(None, status_code=204)


def _reset_unavailable(_: ASGIConnection[Any, Any, Any, Any], __: BaseRouteHandler) -> None:
    raise PasswordResetUnavailable


def password_routers(reset_by_mail: bool) -> list[Router]:
    """The reset routes answer 501 before reading a body when the server cannot mail (see
    `Settings.password_reset_by_mail`); they stay in the schema, documented with that answer."""
    return [
        Router(
            "/auth",
            route_handlers=[change_password],
            middleware=[DefineMiddleware(AccessTokenMiddleware)],
            tags=["auth"],
        ),
        Router(
            "/auth",
            route_handlers=[request_password_reset, confirm_password_reset],
            guards=[] if reset_by_mail else [_reset_unavailable],
            tags=["auth"],
        ),
    ]
