"""Users who log in with their own passwords, written straight into tessera's SQLite database: each its own
email and random password, stored as the argon2id hash a registration at the server's parameters would
store (so no login rehashes), and a file of their credentials, one `email password` line each.

Hashing is the slow part (the very cost the storm measures), so it runs in one process per core."""

import os
import secrets
import time
import uuid
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from argon2 import PasswordHasher as Argon2Hasher
from argon2 import Type
from sqlalchemy import create_engine, insert

from adapters.sql.models import UserRow
from entrypoints.ioc.core import configured_password_hasher
from entrypoints.settings.config import Settings

STRONG_PROFILE = {"TESSERA_ARGON2_MEMORY_KIB": "65536", "TESSERA_ARGON2_TIME_COST": "3"}
"""The stronger profile docs/deployment.md documents, as an operator sets it (parallelism stays at 1)."""
PROFILES = {"default": {}, "strong": STRONG_PROFILE}
CHUNK = 64


@dataclass(frozen=True)
class Argon2Cost:
    time_cost: int
    memory_kib: int
    parallelism: int

    @classmethod
    def of(cls, settings: Settings) -> "Argon2Cost":
        return cls(settings.argon2_time_cost, settings.argon2_memory_kib, settings.argon2_parallelism)

    def __str__(self) -> str:
        return f"m={self.memory_kib} KiB ({self.memory_kib / 1024:g} MiB), t={self.time_cost}, p={self.parallelism}"

    def hasher(self) -> Argon2Hasher:
        return Argon2Hasher(self.time_cost, self.memory_kib, self.parallelism, type=Type.ID)

    def cpu_seconds_per_hash(self, samples: int = 3) -> float:
        """One hash's CPU time in this process (the fewest of a few): what sizes the user list."""
        hasher, spent = self.hasher(), []
        for _ in range(samples):
            started = time.process_time()
            hasher.hash("a sizing password")
            spent.append(time.process_time() - started)
        return min(spent)


def write_users(database: Path, credentials: Path, settings: Settings, count: int) -> int:
    """`count` users hashed at `settings`' argon2 parameters, and their credentials in `credentials`."""
    cost = Argon2Cost.of(settings)
    passwords = [secrets.token_urlsafe(18) for _ in range(count)]
    chunks = [passwords[start : start + CHUNK] for start in range(0, count, CHUNK)]
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        hashes = [h for chunk in pool.map(_hash_all, [cost] * len(chunks), chunks) for h in chunk]
    if configured_password_hasher(settings).needs_rehash(hashes[0]):
        raise RuntimeError(f"the bench hashed at {cost}, which the server would rehash: a login would cost two hashes")
    now = datetime.now(UTC)
    rows = [_user(uuid.uuid4(), now, password_hash) for password_hash in hashes]
    engine = create_engine(f"sqlite:///{database}")
    try:
        with engine.begin() as connection:
            connection.execute(insert(UserRow), rows)
    finally:
        engine.dispose()
    lines = (f"{row['email']} {password}" for row, password in zip(rows, passwords, strict=True))
    credentials.write_text("\n".join(lines) + "\n")
    return count


def _hash_all(cost: Argon2Cost, passwords: list[str]) -> list[str]:
    hasher = cost.hasher()
    return [hasher.hash(password) for password in passwords]


def _user(user_id: uuid.UUID, now: datetime, password_hash: str) -> dict[str, object]:
    return {
        "id": user_id,
        "email": f"login-{user_id}@example.com",
        "display_name": None,
        "password_hash": password_hash,
        "roles": [],
        "created_at": now,
    }
