"""The rows the rotation's statements (`rotation_statements`) return, as domain objects: the touched
session, and its user (columns labelled `user_…`, the id from the session's `user_id`)."""

from typing import Any

from domain.custom_claims import CustomClaims
from domain.sessions import RevocationReason, Session
from domain.users import Email, User


def session_of(row: Any) -> Session:
    reason = row["revocation_reason"]
    return Session(
        id=row["id"],
        user_id=row["user_id"],
        created_at=row["created_at"],
        last_used_at=row["last_used_at"],
        expires_at=row["expires_at"],
        remember=row["remember"],
        revoked_at=row["revoked_at"],
        revocation_reason=None if reason is None else RevocationReason(reason),
        user_agent=row["user_agent"],
        client_address=row["client_address"],
    )


def enabled_user_of(row: Any) -> User:
    """An enabled user: the statements rotate nothing for a disabled one."""
    return User(
        id=row["user_id"],
        email=Email(row["user_email"]),
        display_name=row["user_display_name"],
        password_hash=row["user_password_hash"],
        roles=tuple(row["user_roles"]),
        created_at=row["user_created_at"],
        claims=CustomClaims(row["user_claims"]),
    )
