"""The one place that turns errors into RFC 9457 problem JSON; 401s carry RFC 6750 challenges."""

import logging
from http import HTTPStatus
from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.types import ExceptionHandlersMap

from adapters.observability.metrics import STORAGE_UNAVAILABLE
from application.errors import NoSigningKey, StorageUnavailable
from domain.errors import (
    AccountDisabled,
    CannotDisableSelf,
    DomainError,
    EmailAlreadyRegistered,
    InsufficientRole,
    InvalidAccessToken,
    InvalidClient,
    InvalidCredentials,
    InvalidDisplayName,
    InvalidEmail,
    InvalidLegacySession,
    InvalidPassword,
    InvalidRefreshToken,
    InvalidRole,
    LoginThrottled,
    MalformedLegacySessionCookie,
    SessionNotFound,
    TokenOwnerGone,
    UnknownUser,
)

log = logging.getLogger(__name__)

REALM = "tessera"
PROBLEM_JSON = "application/problem+json"


class MissingCredentials(Exception):
    """A protected route was called without an access token (RFC 6750 §3.1: no error code)."""


class MalformedAuthorization(Exception):
    """The Authorization header is not of the form `Bearer <token>`."""


class InvalidRequest(Exception):
    """A request the HTTP edge refuses as malformed (RFC 6750 `invalid_request`): 400, never a challenge."""

    detail = "The request is malformed."

    def __init__(self, detail: str | None = None) -> None:
        super().__init__(detail or self.detail)
        self.detail = detail or self.detail


class ConflictingCredentials(InvalidRequest):
    """The Authorization header and the access cookie speak for two different users."""

    detail = "The Authorization header and the access cookie belong to different users."


class CrossSiteRequestRefused(Exception):
    """A request that uses or sets the session cookies lacks the custom header or an accepted origin."""


# Domain error -> (status, problem slug, RFC 6750 error code for a 401's challenge)
_DOMAIN_ERRORS: dict[type[DomainError], tuple[HTTPStatus, str, str | None]] = {
    InvalidEmail: (HTTPStatus.BAD_REQUEST, "invalid-email", None),
    InvalidPassword: (HTTPStatus.BAD_REQUEST, "invalid-password", None),
    InvalidDisplayName: (HTTPStatus.BAD_REQUEST, "invalid-display-name", None),
    EmailAlreadyRegistered: (HTTPStatus.CONFLICT, "email-already-registered", None),
    InvalidCredentials: (HTTPStatus.UNAUTHORIZED, "invalid-credentials", None),
    LoginThrottled: (HTTPStatus.TOO_MANY_REQUESTS, "login-throttled", None),
    InvalidRefreshToken: (HTTPStatus.UNAUTHORIZED, "invalid-refresh-token", "invalid_token"),
    InvalidAccessToken: (HTTPStatus.UNAUTHORIZED, "invalid-token", "invalid_token"),
    TokenOwnerGone: (HTTPStatus.UNAUTHORIZED, "invalid-token", "invalid_token"),
    MalformedLegacySessionCookie: (HTTPStatus.BAD_REQUEST, "invalid-legacy-session-cookie", None),
    InvalidLegacySession: (HTTPStatus.UNAUTHORIZED, "invalid-legacy-session", None),
    StorageUnavailable: (HTTPStatus.SERVICE_UNAVAILABLE, "storage-unavailable", None),
    NoSigningKey: (HTTPStatus.SERVICE_UNAVAILABLE, "not-ready", None),
    InvalidRole: (HTTPStatus.BAD_REQUEST, "invalid-role", None),
    AccountDisabled: (HTTPStatus.FORBIDDEN, "account-disabled", None),
    InsufficientRole: (HTTPStatus.FORBIDDEN, "insufficient-scope", "insufficient_scope"),
    UnknownUser: (HTTPStatus.NOT_FOUND, "user-not-found", None),
    SessionNotFound: (HTTPStatus.NOT_FOUND, "session-not-found", None),
    CannotDisableSelf: (HTTPStatus.CONFLICT, "cannot-disable-self", None),
}


def problem(
    status: HTTPStatus, detail: str, *, slug: str | None = None, challenge_error: str | None = None
) -> Response[dict[str, object]]:
    body: dict[str, object] = {
        "type": f"urn:tessera:problem:{slug}" if slug else "about:blank",
        "title": status.phrase,
        "status": status.value,
        "detail": detail,
    }
    headers = {"Cache-Control": "no-store"}
    if status is HTTPStatus.UNAUTHORIZED or challenge_error:  # a 403 names `insufficient_scope` (RFC 6750 §3.1)
        challenge = f'Bearer realm="{REALM}"'
        if challenge_error:
            challenge += f', error="{challenge_error}"'
        headers["WWW-Authenticate"] = challenge
    return Response(body, status_code=status.value, media_type=PROBLEM_JSON, headers=headers)


def _domain_error(_: Request[Any, Any, Any], error: DomainError) -> Response[dict[str, object]]:
    for error_type in type(error).__mro__:
        if error_type in _DOMAIN_ERRORS:
            status, slug, challenge_error = _DOMAIN_ERRORS[error_type]
            response = problem(status, error.message, slug=slug, challenge_error=challenge_error)
            if isinstance(error, LoginThrottled):
                response.headers["Retry-After"] = str(error.retry_after_seconds)
            if isinstance(error, StorageUnavailable):
                STORAGE_UNAVAILABLE.inc()
            if isinstance(error, (StorageUnavailable, NoSigningKey)):
                response.headers["Retry-After"] = str(error.retry_after_seconds)
            return response
    return problem(HTTPStatus.BAD_REQUEST, error.message)


def _invalid_client(_: Request[Any, Any, Any], error: InvalidClient) -> Response[dict[str, object]]:
    """RFC 6749 §5.2: 401 with a Basic challenge; the body is problem JSON with the OAuth `error` too."""
    response = problem(HTTPStatus.UNAUTHORIZED, error.message, slug="invalid-client")
    response.content["error"] = "invalid_client"
    response.headers["WWW-Authenticate"] = f'Basic realm="{REALM}"'
    return response


def _missing_credentials(_: Request[Any, Any, Any], __: MissingCredentials) -> Response[dict[str, object]]:
    return problem(HTTPStatus.UNAUTHORIZED, "An access token is required.", slug="missing-token")


def _malformed_authorization(_: Request[Any, Any, Any], __: MalformedAuthorization) -> Response[dict[str, object]]:
    return problem(
        HTTPStatus.UNAUTHORIZED,
        "The Authorization header must be 'Bearer <token>'.",
        slug="invalid-token",
        challenge_error="invalid_token",
    )


def _invalid_request(_: Request[Any, Any, Any], error: InvalidRequest) -> Response[dict[str, object]]:
    return problem(HTTPStatus.BAD_REQUEST, error.detail, slug="invalid-request")


def _cross_site_request(_: Request[Any, Any, Any], __: CrossSiteRequestRefused) -> Response[dict[str, object]]:
    return problem(
        HTTPStatus.FORBIDDEN,
        "A request with the session cookies must send 'X-Requested-With: tessera' from an accepted origin.",
        slug="csrf",
    )


def _validation_error(_: Request[Any, Any, Any], error: ValidationException) -> Response[dict[str, object]]:
    # Litestar's message names the field and the rule, never the submitted value.
    return problem(HTTPStatus.BAD_REQUEST, _sanitised(error.detail), slug="invalid-request")


def _http_error(_: Request[Any, Any, Any], error: HTTPException) -> Response[dict[str, object]]:
    status = HTTPStatus(error.status_code)
    detail = error.detail if status < HTTPStatus.INTERNAL_SERVER_ERROR else status.phrase
    response = problem(status, _sanitised(detail))
    response.headers.update(error.headers or {})
    return response


def _unexpected_error(request: Request[Any, Any, Any], error: Exception) -> Response[dict[str, object]]:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=error)
    return problem(HTTPStatus.INTERNAL_SERVER_ERROR, "The server could not complete the request.")


def _sanitised(detail: str) -> str:
    return detail if len(detail) <= 300 else detail[:300] + "…"


def _too_deeply_nested(_: Request[Any, Any, Any], __: RecursionError) -> Response[dict[str, object]]:
    """JSON nested deeper than the decoder's recursion allows: the client's input, not our fault."""
    return problem(HTTPStatus.BAD_REQUEST, "The request body is nested too deeply.", slug="invalid-request")


EXCEPTION_HANDLERS: ExceptionHandlersMap = {
    RecursionError: _too_deeply_nested,
    InvalidClient: _invalid_client,
    DomainError: _domain_error,
    MissingCredentials: _missing_credentials,
    MalformedAuthorization: _malformed_authorization,
    InvalidRequest: _invalid_request,
    CrossSiteRequestRefused: _cross_site_request,
    ValidationException: _validation_error,
    HTTPException: _http_error,
    Exception: _unexpected_error,
}
