"""Accounts, tokens and sessions for a tessera under test: a few over HTTP, the many straight into its database."""

import json
import secrets
import urllib.request
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, insert

from adapters.crypto.joserfc_token_signer import JoserfcTokenSigner
from adapters.crypto.key_files import read_private_key
from adapters.crypto.signing_keys import SigningKeySet
from adapters.sql.models import RefreshTokenRow, SessionRow, UserRow
from domain.claims import AccessClaims

PASSWORD = "correct horse battery staple 42"
ISSUER = "http://localhost:8000"

FAST_ARGON2 = {"TESSERA_ARGON2_TIME_COST": "1", "TESSERA_ARGON2_MEMORY_KIB": "8", "TESSERA_ARGON2_PARALLELISM": "1"}
"""Only for servers whose measured path hashes no password (setup logins are then quick)."""


def live_session_row(session_id: uuid.UUID, user_id: uuid.UUID, now: datetime) -> dict[str, object]:
    """A session row as a login writes it: remembered, ending one default lifetime (30 days) from now."""
    return {
        "id": session_id,
        "user_id": user_id,
        "created_at": now,
        "last_used_at": now,
        "expires_at": now + timedelta(days=30),
        "remember": True,
        "revoked_at": None,
        "revocation_reason": None,
    }


def live_refresh_token_row(session_id: uuid.UUID, now: datetime) -> dict[str, object]:
    """A refresh-token row that keeps its session live (unspent, 14 days), written straight into the store."""
    return {
        "id": uuid.uuid4(),
        "session_id": session_id,
        "token_hash": secrets.token_hex(32),
        "issued_at": now,
        "expires_at": now + timedelta(days=14),
        "rotated_at": None,
        "successor_id": None,
        "sealed_successor": None,
    }


def post(base: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
    request = urllib.request.Request(
        base + path, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=60) as answer:
        raw = answer.read()
    return json.loads(raw) if raw else {}


@dataclass(frozen=True)
class Account:
    email: str
    access_token: str
    refresh_token: str


def register_and_log_in(base: str) -> Account:
    email = f"bench-{secrets.token_hex(4)}@example.com"
    post(base, "/auth/register", {"email": email, "password": PASSWORD})
    pair = post(base, "/auth/login", {"email": email, "password": PASSWORD})
    return Account(email, pair["access_token"], pair["refresh_token"])


def log_in(base: str, email: str) -> str:
    """A new session's refresh token."""
    return str(post(base, "/auth/login", {"email": email, "password": PASSWORD})["refresh_token"])


class SessionWriter:
    """Sessions (each with a live refresh token) written into a SQLite database, and access tokens
    for them signed with the server's own key, as a login would have signed them."""

    def __init__(self, database: Path, key_file: Path) -> None:
        self._engine = create_engine(f"sqlite:///{database}")
        self._signer = JoserfcTokenSigner(SigningKeySet(read_private_key(key_file, "RS256"), "RS256"))
        self._user = uuid.uuid4()
        now = datetime.now(UTC)
        with self._engine.begin() as connection:
            connection.execute(
                insert(UserRow),
                [
                    {
                        "id": self._user,
                        "email": f"many-{self._user}@example.com",
                        "display_name": None,
                        "password_hash": "$argon2id$unused",
                        "roles": [],
                        "created_at": now,
                    }
                ],
            )

    def add(self, count: int, sample: int) -> list[str]:
        """`count` new sessions; access tokens for the first `sample` of them."""
        now = datetime.now(UTC)
        session_ids = [uuid.uuid4() for _ in range(count)]
        with self._engine.begin() as connection:
            for start in range(0, count, 10_000):
                chunk = session_ids[start : start + 10_000]
                connection.execute(
                    insert(SessionRow),
                    [live_session_row(sid, self._user, now) for sid in chunk],
                )
                connection.execute(insert(RefreshTokenRow), [live_refresh_token_row(sid, now) for sid in chunk])
        stamp = int(now.timestamp())
        return [
            self._signer.sign_now(
                AccessClaims(
                    iss=ISSUER,
                    aud="tessera",
                    sub=self._user,
                    exp=stamp + 900,
                    iat=stamp,
                    jti=uuid.uuid4(),
                    sid=sid,
                    roles=(),
                )
            )
            for sid in session_ids[:sample]
        ]

    def close(self) -> None:
        self._engine.dispose()
