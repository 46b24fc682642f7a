"""The seal key of refresh-token successors: derived from a secret every replica already holds and no
database copy does, the key-encryption key (shared keys) or else the private signing key (a key file)."""

import hashlib

from joserfc.jwk import OctKey

from adapters.crypto.signing_keys import SigningKeySet
from domain.successor_seal import SealKey


def seal_key_from_key_encryption_key(kek: OctKey) -> SealKey:
    return _derived(kek.raw_value)


def seal_key_from_signing_key(keys: SigningKeySet) -> SealKey:
    """A new key file gives a new seal key: a retry of a refresh made just before the restart, within
    the grace window, is then refused (401) and the client logs in again; nothing is revoked."""
    return _derived(keys.active.as_pem(private=True))


def _derived(material: bytes) -> SealKey:
    return SealKey(hashlib.sha256(b"tessera/successor-seal-key/v1\x00" + material).digest())
