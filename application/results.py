"""What the use cases hand back to an entrypoint: plain values, no domain internals."""

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from domain.claims import AccessClaims
from domain.custom_claims import NO_CLAIMS, CustomClaims
from domain.users import User


@dataclass(frozen=True, slots=True)
class TokenPair:
    access_token: str
    expires_in: int
    refresh_token: str
    refresh_expires_in: int
    remember: bool = True
    """False: the session was opened with `remember: false`; its cookies end with the browser session."""


@dataclass(frozen=True, slots=True)
class Principal:
    """Who a verified access token speaks for."""

    user_id: UUID
    session_id: UUID
    token_id: UUID
    roles: tuple[str, ...]

    @classmethod
    def of(cls, claims: AccessClaims) -> "Principal":
        return cls(user_id=claims.sub, session_id=claims.sid, token_id=claims.jti, roles=claims.roles)


@dataclass(frozen=True, slots=True)
class Profile:
    id: UUID
    email: str
    display_name: str | None
    roles: tuple[str, ...]
    created_at: datetime
    claims: CustomClaims = NO_CLAIMS


@dataclass(frozen=True, slots=True)
class SessionSummary:
    """One of a person's devices, as they see it in their session list."""

    id: UUID
    created_at: datetime
    last_used_at: datetime
    user_agent: str | None
    client_address: str | None
    current: bool


@dataclass(frozen=True, slots=True)
class UserSummary:
    """A user as an operator or admin sees them: never the password hash."""

    id: UUID
    email: str
    display_name: str | None
    roles: tuple[str, ...]
    created_at: datetime
    disabled_at: datetime | None
    claims: CustomClaims = NO_CLAIMS
    username: str | None = None
    legacy_id: str | None = None
    """The user's id in the system they were imported from, if any."""

    @classmethod
    def of(cls, user: User) -> "UserSummary":
        return cls(
            user.id,
            str(user.email),
            user.display_name,
            user.roles,
            user.created_at,
            user.disabled_at,
            user.claims,
            None if user.username is None else str(user.username),
            user.legacy_id,
        )


@dataclass(frozen=True, slots=True)
class Introspection:
    """What RFC 7662 answers about a token. Inactive carries nothing else: an inactive answer never
    tells why (unknown, expired, revoked, spent, badly signed are all the same)."""

    active: bool
    token_type: str | None = None
    """`access_token` or `refresh_token`."""
    user_id: UUID | None = None
    session_id: UUID | None = None
    expires_at: int | None = None
    issued_at: int | None = None
    token_id: UUID | None = None
    """The access token's `jti`; refresh tokens have none to show."""
    issuer: str | None = None
    audience: str | None = None
    roles: tuple[str, ...] = ()
    claims: CustomClaims = NO_CLAIMS
    """The access token's custom claims, as it carries them."""


INACTIVE = Introspection(active=False)
