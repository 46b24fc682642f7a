"""How a login checks a password: argon2id's parameters (the default is the first of OWASP's
recommended sets), how many hashes run at once, and what a login may name the account by."""

import os
from dataclasses import dataclass

from domain.login_identifiers import LoginIdentifiers
from entrypoints.settings.declared import declared, integer


@dataclass(frozen=True)
class LoginSettings:
    argon2_time_cost: int = integer("ARGON2_TIME_COST", 2, low=1, high=20)
    argon2_memory_kib: int = integer("ARGON2_MEMORY_KIB", 19456, low=8, high=4 * 1024 * 1024)
    argon2_parallelism: int = integer("ARGON2_PARALLELISM", 1, low=1, high=64)
    """argon2id at 19 MiB, 2 iterations, 1 lane: the first of OWASP's recommended parameter sets (its
    Password Storage Cheat Sheet). The stronger profile that docs/deployment.md documents (64 MiB, 3
    iterations) costs about eight times the CPU per login, and 3.4 times the memory. A change rehashes
    each password at its owner's next login."""
    argon2_concurrency: int = integer("ARGON2_CONCURRENCY", max(1, (os.cpu_count() or 2) - 1), low=1, high=256)
    """How many argon2id hashes run at once in each process; a login beyond them waits its turn."""
    foreign_hash_concurrency: int = integer("FOREIGN_HASH_CONCURRENCY", 1, low=1, high=256)
    """How many imported (foreign) hashes verify at once, apart from the argon2id ones."""
    login_identifiers: LoginIdentifiers = declared(
        "LOGIN_IDENTIFIERS", LoginIdentifiers(), lambda env, d: env.login_identifiers("LOGIN_IDENTIFIERS", d)
    )
    """What a login may name the account by (`email`, or `email,username`)."""
