"""Verifies the access token of a protected request and puts its principal on `request.user`."""

from litestar.connection import ASGIConnection
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult

from application.use_cases.verify_access_token import VerifyAccessToken
from entrypoints.http.problems import MalformedAuthorization, MissingCredentials

BEARER_SCHEME = "BearerToken"
MAX_AUTHORIZATION_LENGTH = 4096
"""Longer headers are refused before any parsing or cryptography."""


class AccessTokenMiddleware(AbstractAuthenticationMiddleware):
    """Only `Authorization: Bearer`. Tokens in the query string are ignored, never read.

    The verifier is resolved once at start-up (see the app factory), so a protected request
    costs one signature check and a dictionary look-up: no container, no I/O.
    """

    async def authenticate_request(self, connection: ASGIConnection) -> AuthenticationResult:  # type: ignore[type-arg]
        header = connection.headers.get("authorization")
        if header is None:
            raise MissingCredentials
        if len(header) > MAX_AUTHORIZATION_LENGTH:
            raise MalformedAuthorization
        scheme, _, token = header.strip().partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token or " " in token:
            raise MalformedAuthorization
        verify: VerifyAccessToken = connection.app.state.verify_access_token
        return AuthenticationResult(user=verify.execute(token), auth=token)
