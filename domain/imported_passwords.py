"""Whose password hash is newer: the one an import brings, or the one tessera stored since.

An import's `--update` must not undo what happened at tessera after the last import: a password
change, a reset, or the re-hash of the first login to argon2id. So a user keeps the SHA-256 digest of
the hash as it was last imported (`User.imported_hash_digest`), and a stored hash that no longer
matches it was written by tessera. The digest, not the hash, is kept: it answers "is this the same
hash" without a second copy of a credential.

Users with no import on record (registered at tessera, or imported before the digest was kept) are
judged by the hash itself: tessera writes argon2id (`$argon2id$…`) only, so such a hash counts as
tessera's (possibly wrongly, for an app that stored raw argon2id itself: then `--force-passwords`),
and any other format, or no password, as the imported one."""

import hashlib

from domain.users import User

TESSERAS_OWN_PREFIX = "$argon2id$"


def hash_digest(password_hash: str) -> str:
    return hashlib.sha256(password_hash.encode()).hexdigest()


def changed_at_tessera(stored: User) -> bool:
    """Whether the stored hash was written by tessera since the user's last import."""
    if stored.imported_hash_digest is not None:
        return stored.imported_hash_digest != hash_digest(stored.password_hash)
    return stored.password_hash.startswith(TESSERAS_OWN_PREFIX)
