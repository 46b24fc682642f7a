"""The HTTP edge's own errors: credentials, headers and cross-site requests it refuses before any use case runs."""


class MissingCredentials(Exception):
    """A protected route was called without an access token (RFC 6750 §3.1: no error code)."""


class MalformedAuthorization(Exception):
    """The Authorization header is not of the form `Bearer <token>`."""


class InvalidRequest(Exception):
    """A request the HTTP edge refuses as malformed (RFC 6750 `invalid_request`): 400, never a challenge."""

    detail = "The request is malformed."

    def __init__(self, detail: str | None = None, *, field: str | None = None, location: str = "body") -> None:
        super().__init__(detail or self.detail)
        self.detail = detail or self.detail
        self.field = field
        """The field at fault, if one is: named in the problem's `invalid_params`."""
        self.location = location


class ConflictingCredentials(InvalidRequest):
    """The Authorization header and the access cookie speak for two different users."""

    detail = "The Authorization header and the access cookie belong to different users."


class CrossSiteRequestRefused(Exception):
    """A request that uses or sets the session cookies lacks the custom header or an accepted origin."""


class PasswordResetUnavailable(Exception):
    """Password reset by mail asked of a server that cannot mail: no SMTP server, and not development."""


class UnsupportedMediaType(Exception):
    """A body sent to a JSON route without `Content-Type: application/json`: 415, never parsed."""
