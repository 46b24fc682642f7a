"""Errors the application layer adds to the domain's: conditions of the service, not of the request."""

from domain.errors import DomainError


class StorageUnavailable(DomainError):
    """The shared store cannot be reached. Nothing was changed; the caller may retry later."""

    message = "The service is temporarily unavailable. Try again shortly."
    retry_after_seconds = 5


class NoSigningKey(DomainError):
    """No key can sign yet: the shared key set has not been loaded. Tokens cannot be issued."""

    message = "No signing key is loaded yet."
    retry_after_seconds = 5
