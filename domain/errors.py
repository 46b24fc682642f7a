"""Errors of the auth domain. Each carries a default message that is safe to show a client."""

from enum import StrEnum


class DomainError(Exception):
    message = "The request could not be completed."

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.message)
        self.message = message or self.message


class InvalidEmail(DomainError):
    message = "The email address is not valid."


class InvalidPassword(DomainError):
    message = "The password must be between 8 and 1024 characters long."


class InvalidDisplayName(DomainError):
    message = "The display name must be between 1 and 100 characters long."


class InvalidClaims(DomainError):
    message = "The claims must be a JSON object of at most 1024 bytes without reserved names."


class ClaimNameNotAllowed(InvalidClaims):
    message = "A claim name is not in this server's list of allowed custom claims."


class UnknownPasswordHashFormat(DomainError):
    message = "The password hash is in no format tessera can verify."


class PasswordHashOutOfBounds(DomainError):
    message = "The password hash has a cost or checksum length outside what its format's producers write."


class UserAlreadyExists(DomainError):
    """A user's id, email, legacy id or username is another stored user's already (an import's batch,
    or a store)."""

    message = "A user with this id, email, legacy id or username already exists."


class EmailAlreadyRegistered(UserAlreadyExists):
    message = "An account with this email address already exists."


class InvalidUsername(DomainError):
    message = "The username must be 1 to 150 letters, digits or _ . @ + - characters."


class InvalidLegacyId(DomainError):
    message = "The legacy id must be a string of 1 to 255 characters without NUL."


class InvalidCredentials(DomainError):
    """Unknown email and wrong password are the same error, so that neither can be told apart."""

    message = "The email address or password is incorrect."


class Throttled(DomainError):
    """Refused until a throttling window ends, in `retry_after_seconds`."""

    message = "Too many attempts. Try again later."

    def __init__(self, retry_after_seconds: int) -> None:
        super().__init__()
        self.retry_after_seconds = retry_after_seconds


class LoginThrottled(Throttled):
    message = "Too many failed logins. Try again later."


class RegistrationThrottled(Throttled):
    message = "Too many registrations from this address. Try again later."


class PasswordResetThrottled(Throttled):
    message = "Too many password-reset requests from this address. Try again later."


class InvalidRefreshToken(DomainError):
    """Unknown, expired, revoked, or already spent: the client learns only that it must log in again."""

    message = "The refresh token is invalid or expired."


class RefreshTokenReused(InvalidRefreshToken):
    """A spent refresh token came back: treated as theft, and its whole session is revoked."""


class InvalidAccessToken(DomainError):
    message = "The access token is invalid or expired."


class InvalidClient(DomainError):
    """A trusted-client endpoint called without credentials, with an unknown client or a wrong secret:
    the same error for all three (RFC 6749 §5.2 `invalid_client`)."""

    message = "Client authentication failed."


class TokenOwnerGone(DomainError):
    """A valid access token whose user no longer exists (401); not `UnknownUser`, an operator's or
    admin's mistake (404)."""

    message = "The user does not exist."


class LegacyRefusal(StrEnum):
    """Why a legacy session was not exchanged, in words a support engineer can act on (the audit
    event's `detail`, the metric's `outcome`). The client is told less: see `InvalidLegacySession`."""

    MALFORMED = "malformed"
    """No cookie, or a value the legacy framework could not have issued."""
    BAD_SIGNATURE = "bad_signature"
    """The cookie's signature does not verify with the legacy secret (forged, or another app's secret)."""
    EXPIRED = "expired"
    """The session existed but its expiry has passed."""
    UNKNOWN = "unknown"
    """No such session in the store: already exchanged, logged out, dropped, or guessed."""
    REPLAYED = "replayed"
    """A stateless cookie session already exchanged once (recorded as spent until its expiry)."""
    UNREADABLE = "unreadable"
    """The stored value is not a session object of the framework's format."""
    OVERSIZED = "oversized"
    """The stored session is larger than tessera reads (`MAX_STORED_SESSION_BYTES`): left in place for the
    legacy app; the user logs in again at tessera."""
    PICKLED = "pickled"
    """The session was serialised with pickle, which tessera never loads: switch the legacy app to JSON."""
    NO_USER_REFERENCE = "no_user_reference"
    """The session names no user at the user key (an anonymous session, or the wrong key configured)."""
    NO_USER = "no_user"
    """The session names a user tessera does not have: fix the user import or the lookup mode."""
    PASSWORD_CHANGED = "password_changed"
    """The session was made with a password hash other than the one tessera imported (Django's
    `_auth_user_hash`): the password changed since, so the session is void, as Django would treat it."""


class LegacySessionRefused(DomainError):
    """A legacy session that is not exchanged, with the reason. Adapters of the legacy store raise
    its subclasses; the exchange audits `reason` and lets it reach the HTTP edge."""

    def __init__(self, reason: LegacyRefusal) -> None:
        super().__init__()
        self.reason = reason


class MalformedLegacySessionCookie(LegacySessionRefused):
    """No legacy session cookie, or a value that is not a cookie of the legacy framework's shape (400)."""

    message = "The legacy session cookie is missing or malformed."

    def __init__(self, reason: LegacyRefusal = LegacyRefusal.MALFORMED) -> None:
        super().__init__(reason)


class InvalidLegacySession(LegacySessionRefused):
    """Every other refusal (401), one answer for each: the reason goes to the audit log, not to a
    client who may be probing with forged cookies."""

    message = "The legacy session is unknown, expired or already exchanged."


class InvalidRole(DomainError):
    message = "A role is a lowercase letter followed by up to 63 of a-z, 0-9, '_', '.', ':' and '-'."


class WrongCurrentPassword(DomainError):
    """A password change whose `current_password` is not the user's: counted by the login throttle."""

    message = "The current password is incorrect."


class InvalidPasswordResetToken(DomainError):
    """Unknown, expired or already used: all alike."""

    message = "This password reset link is invalid, expired or already used."


class AccountDisabled(DomainError):
    """Told only to someone who gave the right password: anyone else gets `InvalidCredentials`."""

    message = "This account is disabled."


class UnknownUser(DomainError):
    """An operator or admin named a user that does not exist."""

    message = "There is no such user."


class SessionNotFound(DomainError):
    """Unknown, ended, expired, or another user's: all alike, so that session ids cannot be probed."""

    message = "There is no such session."


class InsufficientRole(DomainError):
    """The caller lacks a role the operation requires (in the token, or now in storage)."""

    message = "This operation requires a role the caller does not have."


class CannotDisableSelf(DomainError):
    message = "An admin cannot disable their own account."


class InvalidImportRecord(DomainError):
    """A line of a users import that is no user: its message says what is wrong, never a value's secret."""

    message = "The line is not a user record."
