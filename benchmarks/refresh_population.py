"""Refresh tokens for many users, written straight into tessera's store (PostgreSQL or SQLite) through its
own engine: each user one session, each session one live refresh token whose secret the load generator
holds. No logins over HTTP, so the measured server sees only refreshes."""

import asyncio
import hashlib
import secrets
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert

from adapters.sql.database import create_engine
from adapters.sql.models import RefreshTokenRow, SessionRow, UserRow
from benchmarks.tessera_setup import live_session_row
from entrypoints.backends.registry import normalised_url

CHUNK = 2_000


def seed_refresh_tokens(url: str, count: int) -> list[str]:
    """`count` secrets of live refresh tokens, each of its own user's session."""
    return asyncio.run(_seed(url, count))


async def _seed(url: str, count: int) -> list[str]:
    engine = create_engine(normalised_url(url))
    now = datetime.now(UTC)
    secrets_out: list[str] = []
    try:
        for start in range(0, count, CHUNK):
            rows = [_member(now) for _ in range(min(CHUNK, count - start))]
            async with engine.begin() as connection:
                await connection.execute(insert(UserRow), [user for user, _, _, _ in rows])
                await connection.execute(insert(SessionRow), [session for _, session, _, _ in rows])
                await connection.execute(insert(RefreshTokenRow), [token for _, _, token, _ in rows])
            secrets_out += [secret for _, _, _, secret in rows]
    finally:
        await engine.dispose()
    return secrets_out


def _member(now: datetime) -> tuple[dict[str, object], dict[str, object], dict[str, object], str]:
    user_id, session_id, secret = uuid.uuid4(), uuid.uuid4(), secrets.token_urlsafe(32)
    user = {
        "id": user_id,
        "email": f"refresher-{user_id}@example.com",
        "display_name": None,
        "password_hash": "$argon2id$unused",
        "roles": ["member"],
        "created_at": now,
    }
    session = live_session_row(session_id, user_id, now)
    token = {
        "id": uuid.uuid4(),
        "session_id": session_id,
        "token_hash": hashlib.sha256(secret.encode()).hexdigest(),
        "issued_at": now,
        "expires_at": now + timedelta(days=14),
    }
    return user, session, token, secret
