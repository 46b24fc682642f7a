"""The bodies of registering, logging in, refreshing and exchanging a legacy session, and of who the caller is."""

from datetime import datetime
from typing import Literal
from uuid import UUID

import msgspec

from entrypoints.http.schemas import Text, Transport


class RegisterRequest(msgspec.Struct, forbid_unknown_fields=True):
    email: Text
    password: Text
    display_name: Text | None = None


class LoginRequest(msgspec.Struct, forbid_unknown_fields=True):
    """`remember: false` opens a session with the short absolute lifetime (TESSERA_SESSION_SHORT_MAX_AGE_SECONDS,
    12 hours by default) whose cookies, if any, end with the browser session (no Max-Age)."""

    email: Text
    password: Text
    transport: Transport = "bearer"
    remember: bool = True


class RefreshRequest(msgspec.Struct, forbid_unknown_fields=True):
    """With `refresh_token`, answered as `transport` says (bearer unless told). Without it, the
    refresh cookie is used, and the answer is in cookies."""

    refresh_token: Text | None = None
    transport: Transport | None = None


class ExchangeRequest(msgspec.Struct, forbid_unknown_fields=True):
    """The optional body of /auth/session/exchange. Without `legacy_session_id`, the legacy cookie is
    used and the answer is in cookies. With it (a server-side caller that read the browser's cookie),
    answered as `transport` says, bearer unless told."""

    legacy_session_id: Text | None = None
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
