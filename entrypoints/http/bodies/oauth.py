"""RFC 7662 introspection and RFC 7009 revocation: the form trusted clients send, and the answers."""

from typing import Annotated, Any, Literal

import msgspec
from litestar.openapi import ResponseSpec

from domain.claims import MAX_TOKEN_LENGTH
from entrypoints.http.openapi.error_responses import error_responses
from entrypoints.http.problems.problem import PROBLEM_JSON


class TokenForm(msgspec.Struct):
    """The form body of /oauth/introspect and /oauth/revoke (application/x-www-form-urlencoded).
    Other parameters are ignored (RFC 7662 §2.1); client credentials in the body are not accepted."""

    token: Annotated[str, msgspec.Meta(max_length=MAX_TOKEN_LENGTH)]
    token_type_hint: Annotated[str, msgspec.Meta(max_length=64)] | None = None
    """`access_token` or `refresh_token`; it orders the search only, any other value is ignored."""


class IntrospectionResponse(msgspec.Struct, omit_defaults=True):
    """RFC 7662 §2.2. Inactive is exactly `{"active": false}`."""

    active: bool
    token_type: Literal["access_token", "refresh_token"] | None = None
    sub: str | None = None
    sid: str | None = None
    """The session the token belongs to (an extension member)."""
    exp: int | None = None
    iat: int | None = None
    jti: str | None = None
    iss: str | None = None
    aud: str | None = None
    scope: str | None = None
    """The user's roles, separated by spaces."""
    claims: dict[str, Any] | None = None
    """The access token's custom claims (an extension member), when it carries any."""


class OAuthProblemDetails(msgspec.Struct):
    """Problem details that also carry the OAuth 2.0 error code (RFC 6749 §5.2), as an extension member."""

    type: str
    title: str
    status: int
    detail: str
    error: Literal["invalid_client"]


CLIENT_PROBLEMS = {
    **error_responses(e400="The form has no `token`, or a parameter is too long"),
    401: ResponseSpec(
        data_container=OAuthProblemDetails,
        description="No HTTP Basic credentials, an unknown client or a wrong secret (the same answer for each); "
        'also every caller when no client is configured. WWW-Authenticate: Basic realm="tessera"',
        media_type=PROBLEM_JSON,
        generate_examples=False,
    ),
}
