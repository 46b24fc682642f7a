"""Authenticates the trusted backend clients of /oauth/*: HTTP Basic only (client_secret_basic, RFC 6749 §2.3.1).

Credentials in the form body (client_secret_post) are not accepted: a secret in a body is logged
and echoed by more tools than one in a header, and one method is one less to get wrong.
"""

import base64
import binascii
from urllib.parse import unquote_plus

from litestar.connection import ASGIConnection
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult
from litestar.openapi.spec import SecurityRequirement

from application.use_cases.authenticate_client import AuthenticateClient
from entrypoints.http.middleware.request_container import application_container

CLIENT_SCHEME = "ClientBasic"
CLIENT_AUTH_METHODS = ("client_secret_basic",)
"""What `basic_credentials` accepts, in RFC 8414's words: published in the server metadata."""
TRUSTED_CLIENT: list[SecurityRequirement] = [{CLIENT_SCHEME: []}]
MAX_BASIC_LENGTH = 1024


class ClientAuthenticationMiddleware(AbstractAuthenticationMiddleware):
    """Runs before the body is read: an unauthenticated caller learns nothing, not even whether its body
    was well formed. `request.user` is the client id."""

    async def authenticate_request(self, connection: ASGIConnection) -> AuthenticationResult:  # type: ignore[type-arg]
        authenticate = await application_container(connection.scope).get(AuthenticateClient)
        client_id, secret = basic_credentials(connection.headers.get("authorization"))
        address = connection.client.host if connection.client else None
        return AuthenticationResult(user=authenticate.execute(client_id, secret, address), auth=None)


def basic_credentials(header: str | None) -> tuple[str | None, str | None]:
    """The id and secret of `Basic base64(urlencode(id):urlencode(secret))`, or (None, None) if malformed."""
    if header is None or len(header) > MAX_BASIC_LENGTH:
        return None, None
    scheme, _, encoded = header.strip().partition(" ")
    if scheme.lower() != "basic":
        return None, None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        return None, None
    client_id, colon, secret = decoded.partition(":")
    if not colon:
        return None, None
    return unquote_plus(client_id), unquote_plus(secret)
