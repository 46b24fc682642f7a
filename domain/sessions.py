"""A session is one refresh-token family: one login, rotated forward, revoked as a whole."""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from domain.policy import TokenPolicy
from domain.users import User


class RevocationReason(StrEnum):
    LOGOUT = "logout"
    LOGOUT_EVERYWHERE = "logout_everywhere"
    REFRESH_TOKEN_REUSED = "refresh_token_reused"
    ENDED_BY_USER = "ended_by_user"
    ENDED_BY_ADMIN = "ended_by_admin"
    USER_DISABLED = "user_disabled"
    REVOKED_BY_CLIENT = "revoked_by_client"
    """A trusted backend client revoked one of the session's tokens (RFC 7009)."""
    PASSWORD_CHANGED = "password_changed"
    """The user changed their password: every session but the one that changed it ends."""
    PASSWORD_RESET = "password_reset"
    """The password was reset by an emailed token: every session of the user ends."""
    CREDENTIALS_IMPORTED = "credentials_imported"
    """An import's `--update` replaced the user's password hash or email: every session of the user ends."""


USER_AGENT_MAX_LENGTH = 512
CLIENT_ADDRESS_MAX_LENGTH = 128


@dataclass(frozen=True, slots=True)
class Session:
    id: UUID
    user_id: UUID
    created_at: datetime
    last_used_at: datetime
    expires_at: datetime
    """The absolute end of the session, fixed at login: no refresh succeeds at or after it."""
    revoked_at: datetime | None = None
    revocation_reason: RevocationReason | None = None
    user_agent: str | None = None
    """As first seen at login, cut to `USER_AGENT_MAX_LENGTH`: for the person to recognise the device."""
    client_address: str | None = None
    """As first seen at login (behind a trusted proxy, the forwarded one), cut to `CLIENT_ADDRESS_MAX_LENGTH`."""
    remember: bool = True
    """False: opened with `remember: false`, a short lifetime and cookies that end with the browser session."""

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def revoke(self, now: datetime, reason: RevocationReason) -> "Session":
        """The first revocation stands: revoking a revoked session changes nothing."""
        if self.is_revoked:
            return self
        return replace(self, revoked_at=now, revocation_reason=reason)

    def has_ended(self, now: datetime) -> bool:
        """Past its absolute lifetime: over, whatever its refresh tokens say."""
        return now >= self.expires_at

    def touched(self, now: datetime) -> "Session":
        return replace(self, last_used_at=now)

    def is_live_with(self, tokens: Iterable["RefreshToken"], now: datetime) -> bool:
        """A session is live while it is not revoked and holds a live refresh token: one whose last
        token was spent or expired is over, whatever its access tokens say. Repositories that answer
        "the live sessions of a user" in a query mirror this rule under the contract tests. A session past
        its absolute lifetime is over too."""
        if self.is_revoked or self.has_ended(now):
            return False
        return any(token.session_id == self.id and token.is_live(now) for token in tokens)


@dataclass(frozen=True, slots=True)
class RefreshToken:
    """The stored record of one refresh token. The token itself is never stored, only its hash."""

    id: UUID
    session_id: UUID
    token_hash: str
    issued_at: datetime
    expires_at: datetime
    rotated_at: datetime | None = None
    successor_id: UUID | None = None
    sealed_successor: str | None = None
    """The successor's secret, sealed under this token's secret and the server's seal key (`domain.successor_seal`)."""

    @property
    def is_spent(self) -> bool:
        return self.rotated_at is not None

    def has_expired(self, now: datetime) -> bool:
        return now >= self.expires_at

    def is_live(self, now: datetime) -> bool:
        """Redeemable now, as far as the token itself goes: never spent, not expired."""
        return not self.is_spent and not self.has_expired(now)


def hash_refresh_token(token: str) -> str:
    """SHA-256 suffices: a refresh token carries 256 random bits, so there is nothing to brute-force."""
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Revocation:
    """A session revoked at a moment: what every replica must remember for one access-token lifetime."""

    session_id: UUID
    revoked_at: datetime


def open_session(
    *,
    user: User,
    session_id: UUID,
    now: datetime,
    policy: TokenPolicy,
    remember: bool = True,
    user_agent: str | None = None,
    client_address: str | None = None,
) -> Session:
    """A session records the device as first seen, cut to bounded lengths; blank means unknown. Its
    absolute lifetime is fixed now, by the policy of the moment and the `remember` choice."""
    return Session(
        id=session_id,
        user_id=user.id,
        created_at=now,
        last_used_at=now,
        expires_at=now + policy.session_lifetime(remember),
        remember=remember,
        user_agent=(user_agent or None) and user_agent[:USER_AGENT_MAX_LENGTH],
        client_address=(client_address or None) and client_address[:CLIENT_ADDRESS_MAX_LENGTH],
    )
