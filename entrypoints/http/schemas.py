"""The JSON bodies of the HTTP API, as msgspec structs: decoded strictly, documented in OpenAPI."""

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

import msgspec

# Generous outer bounds that stop oversized input at decoding; the domain applies the real rules.
Text = Annotated[str, msgspec.Meta(max_length=2048)]
Transport = Literal["bearer", "cookie"]
"""How a session's tokens travel: in the JSON body (bearer), or in HttpOnly cookies (browsers)."""


class RegisterRequest(msgspec.Struct, forbid_unknown_fields=True):
    email: Text
    password: Text
    display_name: Text | None = None


class LoginRequest(msgspec.Struct, forbid_unknown_fields=True):
    email: Text
    password: Text
    transport: Transport = "bearer"


class RefreshRequest(msgspec.Struct, forbid_unknown_fields=True):
    """With `refresh_token`, answered as `transport` says (bearer unless told). Without it, the
    refresh cookie is used, and the answer is in cookies."""

    refresh_token: Text | None = None
    transport: Transport | None = None


class UserResponse(msgspec.Struct):
    id: UUID
    email: str
    display_name: str | None
    created_at: datetime


class ProfileResponse(msgspec.Struct):
    id: UUID
    email: str
    display_name: str | None
    roles: list[str]
    created_at: datetime


class SessionResponse(msgspec.Struct):
    user_id: UUID
    session_id: UUID
    roles: list[str]


class TokenResponse(msgspec.Struct):
    access_token: str
    expires_in: int
    refresh_token: str
    refresh_expires_in: int
    token_type: Literal["Bearer"] = "Bearer"


class CookieSessionResponse(msgspec.Struct):
    """The cookie transport's answer: the tokens are in Set-Cookie, only their lifetimes here."""

    expires_in: int
    refresh_expires_in: int
    transport: Literal["cookie"] = "cookie"


class JwkResponse(msgspec.Struct, omit_defaults=True):
    kty: str
    kid: str
    alg: str
    use: str
    n: str | None = None
    e: str | None = None
    crv: str | None = None
    x: str | None = None
    y: str | None = None


class JwksResponse(msgspec.Struct):
    keys: list[JwkResponse]


class HealthResponse(msgspec.Struct):
    status: Literal["ok"] = "ok"


class DeviceSession(msgspec.Struct):
    """One live session of the caller: the device as first seen at login."""

    id: UUID
    created_at: datetime
    last_used_at: datetime
    user_agent: str | None
    client_address: str | None
    current: bool


class SessionsResponse(msgspec.Struct):
    sessions: list[DeviceSession]


class AdminUser(msgspec.Struct):
    id: UUID
    email: str
    display_name: str | None
    roles: list[str]
    created_at: datetime
    disabled: bool
    disabled_at: datetime | None


class UsersPage(msgspec.Struct):
    users: list[AdminUser]
    next_offset: int | None
    """The offset of the next page, or null on the last one."""


class EndedSessions(msgspec.Struct):
    ended: int


class ProblemDetails(msgspec.Struct):
    """RFC 9457 problem details: every error answer has this shape."""

    type: str
    title: str
    status: int
    detail: str


class ExchangeRequest(msgspec.Struct, forbid_unknown_fields=True):
    """The optional body of /auth/session/exchange: how the new session's tokens travel back."""

    transport: Transport = "bearer"


class TokenForm(msgspec.Struct):
    """The form body of /oauth/introspect and /oauth/revoke (application/x-www-form-urlencoded).
    Other parameters are ignored (RFC 7662 §2.1); client credentials in the body are not accepted."""

    token: Annotated[str, msgspec.Meta(max_length=4096)]
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


class OAuthProblemDetails(msgspec.Struct):
    """Problem details that also carry the OAuth 2.0 error code (RFC 6749 §5.2), as an extension member."""

    type: str
    title: str
    status: int
    detail: str
    error: Literal["invalid_client"]
