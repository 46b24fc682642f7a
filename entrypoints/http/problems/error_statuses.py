"""Which status, problem slug and RFC 6750 error code each domain error is answered with: one table."""

from http import HTTPStatus

from application.errors import NoSigningKey, StorageUnavailable
from domain.errors import (
    AccountDisabled,
    CannotDisableSelf,
    ClaimNameNotAllowed,
    DomainError,
    EmailAlreadyRegistered,
    InsufficientRole,
    InvalidAccessToken,
    InvalidClaims,
    InvalidCredentials,
    InvalidDisplayName,
    InvalidEmail,
    InvalidLegacySession,
    InvalidPassword,
    InvalidPasswordResetToken,
    InvalidRefreshToken,
    InvalidRole,
    LoginThrottled,
    MalformedLegacySessionCookie,
    PasswordResetThrottled,
    RegistrationThrottled,
    SessionNotFound,
    TokenOwnerGone,
    UnknownUser,
    WrongCurrentPassword,
)

ErrorStatus = tuple[HTTPStatus, str, str | None]
"""(status, problem slug, RFC 6750 error code for a 401's challenge or a 403's `insufficient_scope`)"""

DOMAIN_ERROR_STATUSES: dict[type[DomainError], ErrorStatus] = {
    InvalidEmail: (HTTPStatus.BAD_REQUEST, "invalid-email", None),
    InvalidPassword: (HTTPStatus.BAD_REQUEST, "invalid-password", None),
    InvalidDisplayName: (HTTPStatus.BAD_REQUEST, "invalid-display-name", None),
    EmailAlreadyRegistered: (HTTPStatus.CONFLICT, "email-already-registered", None),
    InvalidCredentials: (HTTPStatus.UNAUTHORIZED, "invalid-credentials", None),
    LoginThrottled: (HTTPStatus.TOO_MANY_REQUESTS, "login-throttled", None),
    RegistrationThrottled: (HTTPStatus.TOO_MANY_REQUESTS, "registration-throttled", None),
    PasswordResetThrottled: (HTTPStatus.TOO_MANY_REQUESTS, "password-reset-throttled", None),
    InvalidRefreshToken: (HTTPStatus.UNAUTHORIZED, "invalid-refresh-token", "invalid_token"),
    InvalidAccessToken: (HTTPStatus.UNAUTHORIZED, "invalid-token", "invalid_token"),
    TokenOwnerGone: (HTTPStatus.UNAUTHORIZED, "invalid-token", "invalid_token"),
    MalformedLegacySessionCookie: (HTTPStatus.BAD_REQUEST, "invalid-legacy-session-cookie", None),
    InvalidLegacySession: (HTTPStatus.UNAUTHORIZED, "invalid-legacy-session", None),
    StorageUnavailable: (HTTPStatus.SERVICE_UNAVAILABLE, "storage-unavailable", None),
    NoSigningKey: (HTTPStatus.SERVICE_UNAVAILABLE, "not-ready", None),
    InvalidRole: (HTTPStatus.BAD_REQUEST, "invalid-role", None),
    InvalidClaims: (HTTPStatus.BAD_REQUEST, "invalid-claims", None),
    ClaimNameNotAllowed: (HTTPStatus.BAD_REQUEST, "claim-not-allowed", None),
    AccountDisabled: (HTTPStatus.FORBIDDEN, "account-disabled", None),
    InsufficientRole: (HTTPStatus.FORBIDDEN, "insufficient-scope", "insufficient_scope"),
    UnknownUser: (HTTPStatus.NOT_FOUND, "user-not-found", None),
    SessionNotFound: (HTTPStatus.NOT_FOUND, "session-not-found", None),
    CannotDisableSelf: (HTTPStatus.CONFLICT, "cannot-disable-self", None),
    WrongCurrentPassword: (HTTPStatus.FORBIDDEN, "wrong-current-password", None),
    InvalidPasswordResetToken: (HTTPStatus.BAD_REQUEST, "invalid-password-reset-token", None),
}


DOMAIN_ERROR_FIELDS: dict[type[DomainError], str] = {
    InvalidEmail: "email",
    InvalidDisplayName: "display_name",
    InvalidClaims: "$",
    InvalidPasswordResetToken: "token",
}
"""The body field a 400 domain error is about, named in the problem's `invalid_params`: only errors that
come from one field of the same name on every route that raises them (`$`: the body as a whole)."""


def field_of(error: DomainError) -> str | None:
    return next((DOMAIN_ERROR_FIELDS[t] for t in type(error).__mro__ if t in DOMAIN_ERROR_FIELDS), None)


def status_of(error: DomainError) -> ErrorStatus | None:
    """The row of the error's own class or, failing that, of its nearest listed base class."""
    for error_type in type(error).__mro__:
        if error_type in DOMAIN_ERROR_STATUSES:
            return DOMAIN_ERROR_STATUSES[error_type]
    return None
