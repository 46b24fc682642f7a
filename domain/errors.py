"""Errors of the auth domain. Each carries a default message that is safe to show a client."""


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


class EmailAlreadyRegistered(DomainError):
    message = "An account with this email address already exists."


class InvalidCredentials(DomainError):
    """Unknown email and wrong password are the same error, so that neither can be told apart."""

    message = "The email address or password is incorrect."


class LoginThrottled(DomainError):
    message = "Too many failed logins. Try again later."

    def __init__(self, retry_after_seconds: int) -> None:
        super().__init__()
        self.retry_after_seconds = retry_after_seconds


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


class UserNotFound(DomainError):
    message = "The user does not exist."
