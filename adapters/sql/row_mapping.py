"""Rows to domain objects and back: the one place that knows both shapes, so no row leaves this package."""

from typing import Any

from sqlalchemy import Row

from adapters.sql.models import RefreshTokenRow, SessionRow, SigningKeyRow, UserRow
from domain.custom_claims import CustomClaims
from domain.keys import SigningKeyRecord
from domain.sessions import RefreshToken, RevocationReason, Session
from domain.users import Email, User, Username


def to_user_row(user: User) -> UserRow:
    return UserRow(
        id=user.id,
        email=user.email.value,
        display_name=user.display_name,
        password_hash=user.password_hash,
        roles=list(user.roles),
        created_at=user.created_at,
        disabled_at=user.disabled_at,
        claims=user.claims.encoded,
        legacy_id=user.legacy_id,
        imported_hash_digest=user.imported_hash_digest,
        username=None if user.username is None else user.username.value,
        password_changed_at=user.password_changed_at,
    )


def to_user_values(user: User) -> dict[str, object]:
    """A user as the column values of its row, for the batched inserts and updates of an import."""
    return {
        "id": user.id,
        "email": user.email.value,
        "display_name": user.display_name,
        "password_hash": user.password_hash,
        "roles": list(user.roles),
        "created_at": user.created_at,
        "disabled_at": user.disabled_at,
        "claims": user.claims.encoded,
        "legacy_id": user.legacy_id,
        "imported_hash_digest": user.imported_hash_digest,
        "username": None if user.username is None else user.username.value,
        "password_changed_at": user.password_changed_at,
    }


def to_user(row: UserRow | Row[Any]) -> User:
    """A user from its ORM object, or from a row of its columns by name."""
    return User(
        id=row.id,
        email=Email(row.email),
        display_name=row.display_name,
        password_hash=row.password_hash,
        roles=tuple(row.roles),
        created_at=row.created_at,
        disabled_at=row.disabled_at,
        claims=CustomClaims(row.claims),
        legacy_id=row.legacy_id,
        imported_hash_digest=row.imported_hash_digest,
        username=None if row.username is None else Username(row.username),
        password_changed_at=row.password_changed_at,
    )


def to_session_values(session: Session) -> dict[str, object]:
    """A session as the column values of its row, for an INSERT without the ORM's object."""
    return {
        "id": session.id,
        "user_id": session.user_id,
        "created_at": session.created_at,
        "last_used_at": session.last_used_at,
        "expires_at": session.expires_at,
        "remember": session.remember,
        "revoked_at": session.revoked_at,
        "revocation_reason": session.revocation_reason,
        "user_agent": session.user_agent,
        "client_address": session.client_address,
    }


def to_session(row: SessionRow) -> Session:
    return Session(
        id=row.id,
        user_id=row.user_id,
        created_at=row.created_at,
        last_used_at=row.last_used_at,
        expires_at=row.expires_at,
        remember=row.remember,
        revoked_at=row.revoked_at,
        revocation_reason=None if row.revocation_reason is None else RevocationReason(row.revocation_reason),
        user_agent=row.user_agent,
        client_address=row.client_address,
    )


def to_refresh_token_values(token: RefreshToken) -> dict[str, object]:
    """A refresh token as the column values of its row, for an INSERT without the ORM's object."""
    return {
        "id": token.id,
        "session_id": token.session_id,
        "token_hash": token.token_hash,
        "issued_at": token.issued_at,
        "expires_at": token.expires_at,
        "rotated_at": token.rotated_at,
        "successor_id": token.successor_id,
        "sealed_successor": token.sealed_successor,
    }


def to_refresh_token(row: RefreshTokenRow) -> RefreshToken:
    return RefreshToken(
        id=row.id,
        session_id=row.session_id,
        token_hash=row.token_hash,
        issued_at=row.issued_at,
        expires_at=row.expires_at,
        rotated_at=row.rotated_at,
        successor_id=row.successor_id,
        sealed_successor=row.sealed_successor,
    )


def to_signing_key_row(record: SigningKeyRecord) -> SigningKeyRow:
    return SigningKeyRow(
        kid=record.kid,
        alg=record.alg,
        public_jwk=record.public_jwk,
        sealed_private_jwk=record.sealed_private_jwk,
        created_at=record.created_at,
        signs_from=record.signs_from,
        withdrawn_at=record.withdrawn_at,
    )


def to_signing_key_record(row: SigningKeyRow) -> SigningKeyRecord:
    return SigningKeyRecord(
        kid=row.kid,
        alg=row.alg,
        public_jwk=row.public_jwk,
        sealed_private_jwk=row.sealed_private_jwk,
        created_at=row.created_at,
        signs_from=row.signs_from,
        withdrawn_at=row.withdrawn_at,
    )
