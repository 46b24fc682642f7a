"""SQL tables. They never leave this package: repositories convert rows to domain objects."""

from datetime import datetime
from uuid import UUID

from advanced_alchemy.base import DefaultBase, UUIDBase
from advanced_alchemy.types import GUID, DateTimeUTC, JsonB
from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column


class UserRow(UUIDBase):
    __tablename__ = "users"

    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str | None] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(512))
    roles: Mapped[list[str]] = mapped_column(JsonB, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    disabled_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    claims: Mapped[str] = mapped_column(Text, default="{}", server_default="{}")
    """The user's own claims, as `CustomClaims.encoded`: kept as text, so it reads back byte for byte."""
    legacy_id: Mapped[str | None] = mapped_column(String(255), unique=True, index=True)
    """The user's id in the system they were imported from; NULL for users who registered here."""
    username: Mapped[str | None] = mapped_column(String(150), unique=True, index=True)
    """As `Username.parse` normalised it (casefolded): the unique index is case-insensitive uniqueness."""
    imported_hash_digest: Mapped[str | None] = mapped_column(String(64))
    """SHA-256 (hex) of the password hash as last imported: tells an import whether tessera changed it since."""
    changed_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), index=True)
    """When the user last changed in a way every replica must hear of (see `UserChanges`)."""
    password_changed_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    """When the user last chose a new password here (`User.password_changed_at`)."""


class SessionRow(UUIDBase):
    __tablename__ = "sessions"

    user_id: Mapped[UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    last_used_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    """The session's absolute end, fixed at login."""
    remember: Mapped[bool] = mapped_column(Boolean, default=True)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), index=True)
    revocation_reason: Mapped[str | None] = mapped_column(String(32))
    user_agent: Mapped[str | None] = mapped_column(String(512))
    client_address: Mapped[str | None] = mapped_column(String(128))


class RefreshTokenRow(UUIDBase):
    __tablename__ = "refresh_tokens"

    session_id: Mapped[UUID] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    issued_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True), index=True)
    rotated_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    successor_id: Mapped[UUID | None] = mapped_column(GUID(length=16))
    sealed_successor: Mapped[str | None] = mapped_column(String(256))


class LoginFailureRow(DefaultBase):
    __tablename__ = "login_failures"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer)
    window_started_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))


class SigningKeyRow(DefaultBase):
    __tablename__ = "signing_keys"

    kid: Mapped[str] = mapped_column(String(128), primary_key=True)
    alg: Mapped[str] = mapped_column(String(16))
    public_jwk: Mapped[str] = mapped_column(Text)
    sealed_private_jwk: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    signs_from: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))


class PasswordResetTokenRow(DefaultBase):
    __tablename__ = "password_reset_tokens"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True), index=True)
    used_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))


class SpentLegacyCookieRow(DefaultBase):
    """A stateless legacy session cookie exchanged once, by its SHA-256, until its own expiry."""

    __tablename__ = "legacy_spent_cookies"

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    spent_until: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True), index=True)
