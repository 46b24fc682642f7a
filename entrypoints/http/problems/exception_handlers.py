"""The one place that turns errors into problem JSON, registered as Litestar exception handlers.

Domain errors take their status from `error_statuses`; the edge's own errors, Litestar's and any
unexpected one are answered here. A client's mistake is never a 500.
"""

import logging
from http import HTTPStatus
from typing import Any

from litestar import Request, Response
from litestar.enums import ParamType
from litestar.exceptions import HTTPException, ValidationException
from litestar.types import ExceptionHandlersMap

from adapters.observability.metrics import STORAGE_UNAVAILABLE
from application.errors import NoSigningKey, StorageUnavailable
from domain.errors import DomainError, InvalidClient, Throttled
from entrypoints.http.problems.error_statuses import field_of, status_of
from entrypoints.http.problems.errors import (
    CrossSiteRequestRefused,
    InvalidRequest,
    MalformedAuthorization,
    MissingCredentials,
    PasswordResetUnavailable,
    UnsupportedMediaType,
)
from entrypoints.http.problems.problem import REALM, InvalidParam, problem
from entrypoints.http.problems.validation_errors import invalid_params

log = logging.getLogger(__name__)


def _domain_error(_: Request[Any, Any, Any], error: DomainError) -> Response[dict[str, object]]:
    listed = status_of(error)
    if listed is None:
        return problem(HTTPStatus.BAD_REQUEST, error.message)
    status, slug, challenge_error = listed
    field = field_of(error) if status is HTTPStatus.BAD_REQUEST else None
    named = () if field is None else (InvalidParam(field, "body", error.message),)
    response = problem(status, error.message, slug=slug, challenge_error=challenge_error, invalid_params=named)
    if isinstance(error, StorageUnavailable):
        STORAGE_UNAVAILABLE.inc()
    if isinstance(error, (Throttled, StorageUnavailable, NoSigningKey)):
        response.headers["Retry-After"] = str(error.retry_after_seconds)
    return response


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
    named = () if error.field is None else (InvalidParam(error.field, error.location, error.detail),)
    return problem(HTTPStatus.BAD_REQUEST, error.detail, slug="invalid-request", invalid_params=named)


def _cross_site_request(_: Request[Any, Any, Any], __: CrossSiteRequestRefused) -> Response[dict[str, object]]:
    return problem(
        HTTPStatus.FORBIDDEN,
        "A request with the session cookies must send 'X-Requested-With: tessera' from an accepted origin.",
        slug="csrf",
    )


def _password_reset_unavailable(_: Request[Any, Any, Any], __: PasswordResetUnavailable) -> Response[dict[str, object]]:
    return problem(
        HTTPStatus.NOT_IMPLEMENTED,
        "Password reset by mail is not available on this server: ask its operator to reset your password.",
        slug="password-reset-unavailable",
    )


def _unsupported_media_type(_: Request[Any, Any, Any], __: UnsupportedMediaType) -> Response[dict[str, object]]:
    return problem(
        HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
        "This route takes a JSON body: send it with 'Content-Type: application/json'.",
        slug="unsupported-media-type",
    )


def _validation_error(_: Request[Any, Any, Any], error: ValidationException) -> Response[dict[str, object]]:
    # Litestar's messages name the field and the rule, never the submitted value.
    params = invalid_params(error.extra)
    detail = _parameters_at_fault(error)
    if detail is None:
        detail = f"Invalid request: {'; '.join(_described(param) for param in params)}." if params else error.detail
    return problem(HTTPStatus.BAD_REQUEST, _sanitised(detail), slug="invalid-request", invalid_params=params)


def _described(param: InvalidParam) -> str:
    """`Expected `str`, got `int` at `email` in the body`; a reason that names the field already keeps to itself."""
    where = "" if f"`{param.name.rpartition('.')[2]}`" in param.reason else f" at `{param.name}`"
    return f"{param.reason}{where} in the {param.location}"


def _parameters_at_fault(error: ValidationException) -> str | None:
    """A refused query, path, header or cookie parameter, named with the rule it broke: Litestar's own
    detail is the request line, which echoes the value and leaves the client to guess which parameter."""
    extra = error.extra if isinstance(error.extra, list) else []
    faults = [
        f"{item['source'].value} parameter '{item['key']}': {item.get('message', 'invalid')}"
        for item in extra
        if isinstance(item, dict) and isinstance(item.get("source"), ParamType) and item.get("key")
    ]
    if not faults or len(faults) != len(extra):
        return None
    detail = "; ".join(faults)
    return detail[0].upper() + detail[1:]


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
    UnsupportedMediaType: _unsupported_media_type,
    PasswordResetUnavailable: _password_reset_unavailable,
    ValidationException: _validation_error,
    HTTPException: _http_error,
    Exception: _unexpected_error,
}
