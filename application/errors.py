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


class ForeignKeyEncryptionKey(DomainError):
    """This deployment's key-encryption key does not open the stored keys: a key sealed under it
    would break every replica that has the other one."""

    message = (
        "TESSERA_KEY_ENCRYPTION_KEY does not open the stored keys: a key sealed under it would break every replica."
    )


class NothingToImport(DomainError):
    """An import's input held no line at all (an empty file, or blank lines only): most likely the
    export failed or wrote elsewhere, which "imported 0 lines" would hide."""

    message = "The input holds no users: it is empty or has only blank lines."
