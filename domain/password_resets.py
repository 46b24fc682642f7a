"""Password reset by email: a single-use token, stored hashed, redeemable for 30 minutes.

The token carries 256 random bits (like a refresh token), so its SHA-256 is all that is stored: a
copy of the database holds nothing that resets a password."""

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

RESET_TOKEN_LIFETIME = timedelta(minutes=30)
TOKEN_PLACEHOLDER = "{token}"


class ResetLinkHasNoToken(ValueError):
    """A reset link template without `{token}` would mail a link that resets nothing."""


@dataclass(frozen=True, slots=True)
class PasswordResetToken:
    token_hash: str
    user_id: UUID
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None

    def is_redeemable(self, now: datetime) -> bool:
        """Never used, and before its expiry (at `expires_at` it has expired, with no leeway)."""
        return self.used_at is None and now < self.expires_at


def hash_reset_token(token: str) -> str:
    return hashlib.sha256(b"tessera/password-reset\x00" + token.encode()).hexdigest()


def reset_token_expiry(issued_at: datetime) -> datetime:
    return issued_at + RESET_TOKEN_LIFETIME


def issue_reset_token(user_id: UUID, token: str, now: datetime) -> PasswordResetToken:
    return PasswordResetToken(hash_reset_token(token), user_id, now, reset_token_expiry(now))


@dataclass(frozen=True, slots=True)
class ResetLinkTemplate:
    """Where the person lands to choose a new password (TESSERA_PASSWORD_RESET_URL): the app's page,
    which posts the token to /auth/password-reset/confirm."""

    template: str

    def __post_init__(self) -> None:
        if TOKEN_PLACEHOLDER not in self.template:
            raise ResetLinkHasNoToken

    def link(self, token: str) -> str:
        return self.template.replace(TOKEN_PLACEHOLDER, token)
