"""A session is one refresh-token family: one login, rotated forward, revoked as a whole."""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from uuid import UUID

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


USER_AGENT_MAX_LENGTH = 512
CLIENT_ADDRESS_MAX_LENGTH = 128


@dataclass(frozen=True, slots=True)
class Session:
    id: UUID
    user_id: UUID
    created_at: datetime
    last_used_at: datetime
    revoked_at: datetime | None = None
    revocation_reason: RevocationReason | None = None
    user_agent: str | None = None
    """As first seen at login, cut to `USER_AGENT_MAX_LENGTH`: for the person to recognise the device."""
    client_address: str | None = None
    """As first seen at login (behind a trusted proxy, the forwarded one), cut to `CLIENT_ADDRESS_MAX_LENGTH`."""

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def revoke(self, now: datetime, reason: RevocationReason) -> "Session":
        """The first revocation stands: revoking a revoked session changes nothing."""
        if self.is_revoked:
            return self
        return replace(self, revoked_at=now, revocation_reason=reason)

    def touched(self, now: datetime) -> "Session":
        return replace(self, last_used_at=now)

    def is_live_with(self, tokens: Iterable["RefreshToken"], now: datetime) -> bool:
        """A session is live while it is not revoked and holds a live refresh token: one whose last
        token was spent or expired is over, whatever its access tokens say. Repositories that answer
        "the live sessions of a user" in a query mirror this rule under the contract tests."""
        return not self.is_revoked and any(token.session_id == self.id and token.is_live(now) for token in tokens)


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
    """The successor's secret, sealed under this token's own secret (see `seal_successor`)."""

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


def _pad(predecessor: str, length: int) -> bytes:
    pad = hashlib.shake_256(b"tessera/successor-seal/v1\x00" + predecessor.encode()).digest(length)
    return pad


def seal_successor(predecessor: str, successor: str) -> str:
    """Seal a successor's secret so that only a holder of its predecessor's secret can read it back.

    The pad is derived from the predecessor's 256 random bits and used for this one secret only,
    so the seal is a one-time pad: the stored value tells a database reader nothing. It lets a
    client whose refresh response was lost retry and receive the very same successor.
    """
    data = successor.encode()
    return bytes(a ^ b for a, b in zip(data, _pad(predecessor, len(data)), strict=True)).hex()


def unseal_successor(predecessor: str, sealed: str) -> str | None:
    """The successor's secret, or None if the seal is malformed or not made with this predecessor."""
    try:
        data = bytes.fromhex(sealed)
        return bytes(a ^ b for a, b in zip(data, _pad(predecessor, len(data)), strict=True)).decode("ascii")
    except (ValueError, UnicodeDecodeError):
        return None


@dataclass(frozen=True, slots=True)
class Revocation:
    """A session revoked at a moment: what every replica must remember for one access-token lifetime."""

    session_id: UUID
    revoked_at: datetime


def open_session(
    *, user: User, session_id: UUID, now: datetime, user_agent: str | None = None, client_address: str | None = None
) -> Session:
    """A session records the device as first seen, cut to bounded lengths; blank means unknown."""
    return Session(
        id=session_id,
        user_id=user.id,
        created_at=now,
        last_used_at=now,
        user_agent=(user_agent or None) and user_agent[:USER_AGENT_MAX_LENGTH],
        client_address=(client_address or None) and client_address[:CLIENT_ADDRESS_MAX_LENGTH],
    )
