"""argon2id hashers for tests of the adapter itself: the cheapest parameters argon2 allows, so that a
test spends its time on the rule it checks, and every bound stated (the adapter has no defaults)."""

from typing import Any

from adapters.crypto.argon2_password_hasher import Argon2PasswordHasher

CHEAP = {"time_cost": 1, "memory_cost_kib": 8, "parallelism": 1, "concurrency": 1, "foreign_concurrency": 1}


def cheap_hasher(**overrides: Any) -> Argon2PasswordHasher:
    return Argon2PasswordHasher(**{**CHEAP, **overrides})
