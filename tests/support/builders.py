"""Domain objects with sensible defaults, for tests that store them directly."""

import uuid
from datetime import UTC, datetime, timedelta

from domain.sessions import RefreshToken, Session, hash_refresh_token
from domain.users import Email, User

T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def a_user(email: str = "ada@example.com", *, roles: tuple[str, ...] = ()) -> User:
    return User(
        id=uuid.uuid4(),
        email=Email.parse(email),
        display_name="Ada",
        password_hash="$argon2id$not-a-real-hash",
        roles=roles,
        created_at=T0,
    )


def a_session(user: User, *, at: datetime = T0, lifetime: timedelta = timedelta(days=30)) -> Session:
    return Session(id=uuid.uuid4(), user_id=user.id, created_at=at, last_used_at=at, expires_at=at + lifetime)


def a_refresh_token(session: Session, secret: str | None = None, *, at: datetime = T0) -> RefreshToken:
    return RefreshToken(
        id=uuid.uuid4(),
        session_id=session.id,
        token_hash=hash_refresh_token(secret or uuid.uuid4().hex),
        issued_at=at,
        expires_at=at + timedelta(days=14),
    )
