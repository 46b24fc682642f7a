"""The sealed successor of a spent refresh token: what lets a client whose refresh answer was lost
retry within the grace window and receive the very same successor, and nothing more."""

import hashlib
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class SealKey:
    """A server secret that is not in the database (derived from the key-encryption key or the signing
    key): without it, a seal read from a copy of the database is noise, whatever spent token comes with it."""

    secret: bytes = field(repr=False)

    def __post_init__(self) -> None:
        if len(self.secret) != 32:
            raise ValueError("a seal key is 32 bytes")


def _pad(key: SealKey, predecessor: str, length: int) -> bytes:
    # SHAKE-256 over a fixed-length key and the secret: a keyed one-time pad (no length extension applies).
    return hashlib.shake_256(b"tessera/successor-seal/v2\x00" + key.secret + predecessor.encode()).digest(length)


def seal_successor(predecessor: str, successor: str, key: SealKey) -> str:
    """Seal a successor's secret so that only a holder of its predecessor's secret, on the server, can
    read it back: it lets a client whose refresh response was lost retry within the grace window and
    receive the very same successor.

    The pad comes from the predecessor's 256 random bits and the server's seal key, and is used for
    this one secret only. Neither a database reader nor the holder of an old spent token has the key, so
    both together still read nothing (and `tessera purge` clears seals once their grace window closed).
    """
    data = successor.encode()
    return bytes(a ^ b for a, b in zip(data, _pad(key, predecessor, len(data)), strict=True)).hex()


def unseal_successor(predecessor: str, sealed: str, key: SealKey) -> str | None:
    """The successor's secret, or None if the seal is malformed or not made with this predecessor and key."""
    try:
        data = bytes.fromhex(sealed)
        return bytes(a ^ b for a, b in zip(data, _pad(key, predecessor, len(data)), strict=True)).decode("ascii")
    except (ValueError, UnicodeDecodeError):
        return None
