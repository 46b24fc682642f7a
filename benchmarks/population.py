"""Many users, each with one live session, written straight into tessera's SQLite database (no HTTP
logins), and access tokens for their sessions signed with the server's own key, as a login signs them.

Signing is the slow part (one RSA private-key operation a token, a few thousand a second on a core),
so tokens are signed in one process per core."""

import os
import uuid
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, insert

from adapters.crypto.joserfc_token_signer import JoserfcTokenSigner
from adapters.crypto.key_files import load_or_create_dev_key, read_private_key
from adapters.crypto.signing_keys import SigningKeySet
from adapters.sql.models import RefreshTokenRow, SessionRow, UserRow
from benchmarks.tessera_setup import ISSUER, live_refresh_token_row, live_session_row
from domain.claims import AccessClaims

TOKEN_SECONDS = 3 * 3600
"""The tokens' lifetime (`exp - iat`): longer than a whole `just bench`; the servers' TESSERA_ACCESS_TTL_SECONDS."""
CHUNK = 5_000


@dataclass(frozen=True)
class Member:
    user_id: str
    session_id: str


def signing_key_file(env: dict[str, str]) -> Path:
    """The key the servers sign with: TESSERA_SIGNING_KEY_FILE, else the development key, made now if
    missing so that every server (and every worker) of the run reads the same one."""
    if configured := env.get("TESSERA_SIGNING_KEY_FILE"):
        return Path(configured)
    path = Path(env["TESSERA_DEV_KEY_FILE"])
    load_or_create_dev_key(path, "RS256")
    return path


def write_members(database: Path, count: int) -> list[Member]:
    """`count` users, each with one session holding a live refresh token."""
    engine = create_engine(f"sqlite:///{database}")
    now = datetime.now(UTC)
    members = [Member(str(uuid.uuid4()), str(uuid.uuid4())) for _ in range(count)]
    try:
        with engine.begin() as connection:
            for start in range(0, count, CHUNK):
                chunk = members[start : start + CHUNK]
                connection.execute(insert(UserRow), [_user(uuid.UUID(m.user_id), now) for m in chunk])
                connection.execute(
                    insert(SessionRow),
                    [live_session_row(uuid.UUID(m.session_id), uuid.UUID(m.user_id), now) for m in chunk],
                )
                connection.execute(
                    insert(RefreshTokenRow), [live_refresh_token_row(uuid.UUID(m.session_id), now) for m in chunk]
                )
    finally:
        engine.dispose()
    return members


def _user(user_id: uuid.UUID, now: datetime) -> dict[str, object]:
    return {
        "id": user_id,
        "email": f"member-{user_id}@example.com",
        "display_name": None,
        "password_hash": "$argon2id$unused",
        "roles": [],
        "created_at": now,
    }


def mint(key_file: Path, members: list[Member], count: int) -> list[str]:
    """`count` distinct access tokens (each its own `jti`), the members taken in turn."""
    jobs = [
        (key_file, [members[i % len(members)] for i in range(start, min(count, start + CHUNK))])
        for start in range(0, count, CHUNK)
    ]
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        return [token for chunk in pool.map(_sign, *zip(*jobs, strict=True)) for token in chunk]


def _sign(key_file: Path, members: list[Member]) -> list[str]:
    signer = JoserfcTokenSigner(SigningKeySet(read_private_key(key_file, "RS256"), "RS256"))
    iat = int(datetime.now(UTC).timestamp())
    return [
        signer.sign_now(
            AccessClaims(
                iss=ISSUER,
                aud="tessera",
                sub=uuid.UUID(member.user_id),
                exp=iat + TOKEN_SECONDS,
                iat=iat,
                jti=uuid.uuid4(),
                sid=uuid.UUID(member.session_id),
                roles=(),
            )
        )
        for member in members
    ]


def write_tokens(path: Path, tokens: list[str]) -> Path:
    path.write_text("\n".join(tokens) + "\n")
    return path
