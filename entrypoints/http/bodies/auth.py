"""The bodies of registering, logging in, refreshing and exchanging a legacy session, and of who the caller is."""

from datetime import datetime
from typing import Annotated, Any, ClassVar, Literal
from uuid import UUID

import msgspec
from litestar.openapi.spec import OpenAPIType, Schema
from msgspec import UNSET, UnsetType

from domain.login_identifiers import IdentifierKind
from entrypoints.http.bodies.shared import Text, Transport
from entrypoints.http.problems.errors import InvalidRequest

Email = Annotated[str, msgspec.Meta(min_length=3, max_length=254, extra_json_schema={"extra": {"format": "email"}})]
"""Its form is checked by the domain (`domain.users.Email`); the schema gives its bounds and format."""
NewPassword = Annotated[str, msgspec.Meta(min_length=8, max_length=1024)]
DisplayName = Annotated[
    str,
    msgspec.Meta(
        min_length=1,
        max_length=100,
        description="Printable (no control, format, private-use or unassigned character, no separator but "
        "the space) and not blank; surrounding whitespace is removed",
    ),
]


def needs_in_body_for_bearer(field: str) -> dict[str, Schema]:
    """`"transport": "bearer"` asks for the answer in the body: only a credential from the body is
    answered there, never the cookie's (a script must not read out a token it was not given)."""
    bearer = Schema(properties={"transport": Schema(const="bearer")}, required=["transport"])
    return {"schema_if": bearer, "then": Schema(properties={field: Schema(type=OpenAPIType.STRING)}, required=[field])}


class RegisterRequest(msgspec.Struct, forbid_unknown_fields=True):
    email: Email
    password: NewPassword
    display_name: DisplayName | None = None


class LoginRequest(msgspec.Struct, forbid_unknown_fields=True):
    """Exactly one of `email`, `username` (where TESSERA_LOGIN_IDENTIFIERS includes `username`) or
    `identifier` (either: an email first, then a username, among those the service accepts) names the
    account. `remember: false` opens a session with the short absolute lifetime
    (TESSERA_SESSION_SHORT_MAX_AGE_SECONDS, 12 hours by default) whose cookies, if any, end with the
    browser session (no Max-Age)."""

    password: Text
    email: Text | UnsetType = UNSET
    username: Text | UnsetType = UNSET
    identifier: Text | UnsetType = UNSET
    """Left out, never null: `{"email": null}` names no account and is refused as a type error."""
    transport: Transport = "bearer"
    remember: bool = True
    __openapi_rules__: ClassVar = {
        "one_of": [Schema(required=[name]) for name in ("email", "username", "identifier")],
    }

    def account(self) -> tuple[IdentifierKind | None, str]:
        """The kind of name given (None for `identifier`) and the name; `InvalidRequest` naming the
        field unless exactly one is given."""
        given = [
            (field, kind, value)
            for field, kind, value in (
                ("email", IdentifierKind.EMAIL, self.email),
                ("username", IdentifierKind.USERNAME, self.username),
                ("identifier", None, self.identifier),
            )
            if not isinstance(value, UnsetType)
        ]
        if len(given) != 1:
            field = "email" if not given else given[1][0]
            raise InvalidRequest("Send exactly one of 'email', 'username' or 'identifier'.", field=field)
        _, kind, value = given[0]
        return kind, value


class RefreshRequest(msgspec.Struct, forbid_unknown_fields=True):
    """With `refresh_token`, answered as `transport` says (bearer unless told). Without it, the
    refresh cookie is used, and the answer is in cookies."""

    refresh_token: Text | None = None
    transport: Transport | None = None
    __openapi_rules__: ClassVar = needs_in_body_for_bearer("refresh_token")


class ExchangeRequest(msgspec.Struct, forbid_unknown_fields=True):
    """The optional body of /auth/session/exchange. Without `legacy_session_id`, the legacy cookie is
    used and the answer is in cookies. With it (a server-side caller that read the browser's cookie),
    answered as `transport` says, bearer unless told."""

    legacy_session_id: Text | None = None
    transport: Transport | None = None
    __openapi_rules__: ClassVar = needs_in_body_for_bearer("legacy_session_id")


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
    claims: dict[str, Any]
    """The custom claims the user's access tokens carry (`{}` if none)."""


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
