"""Shared signing keys: made here, stored sealed (JWE, `dir` + A256GCM) under the deployment's
key-encryption key, and unsealed only into this process's key set."""

import base64
import binascii
import json
from datetime import datetime
from typing import Any

from joserfc import jwe
from joserfc.errors import JoseError
from joserfc.jwk import OctKey

from adapters.crypto.signing_keys import KEY_TYPES, AsymmetricKey, KeyConfigurationError, SigningKeySet, generate_key
from application.ports.key_vault import KeyVault
from domain.keys import SigningKeyRecord

_SEAL_HEADER = {"alg": "dir", "enc": "A256GCM"}


def key_encryption_key(encoded: str) -> OctKey:
    """32 random bytes, base64 or base64url encoded (`openssl rand -base64 32`)."""
    try:
        raw = base64.urlsafe_b64decode(encoded.strip().replace("+", "-").replace("/", "_") + "==")
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != 32:
        raise KeyConfigurationError("the key-encryption key must be 32 random bytes, base64-encoded")
    return OctKey.import_key(raw)


class JoserfcKeyVault(KeyVault):
    def __init__(self, keys: SigningKeySet, kek: OctKey) -> None:
        self._keys = keys
        self._kek = kek

    def new_key(self, alg: str, now: datetime, signs_from: datetime) -> SigningKeyRecord:
        key = generate_key(alg)
        kid = key.thumbprint()
        sealed = jwe.encrypt_compact(_SEAL_HEADER, json.dumps(key.as_dict(private=True)), self._kek)
        return SigningKeyRecord(
            kid=kid,
            alg=alg,
            public_jwk=json.dumps(key.as_dict(private=False)),
            sealed_private_jwk=sealed,
            created_at=now,
            signs_from=signs_from,
        )

    def install(self, signing: SigningKeyRecord | None, published: list[SigningKeyRecord]) -> None:
        active = None if signing is None else (self._unseal(signing), signing.alg)
        public = [(self._public(record), record.alg) for record in published]
        self._keys.install(active, public)

    def can_open(self, record: SigningKeyRecord) -> bool:
        try:
            self._unseal(record)
        except KeyConfigurationError:
            return False
        return True

    def _unseal(self, record: SigningKeyRecord) -> AsymmetricKey:
        try:
            plain = jwe.decrypt_compact(record.sealed_private_jwk, self._kek, algorithms=["dir", "A256GCM"]).plaintext
            data = json.loads(plain or b"{}")
        except (JoseError, ValueError) as error:
            raise KeyConfigurationError(
                f"cannot unseal signing key {record.kid}: wrong TESSERA_KEY_ENCRYPTION_KEY? ({error})"
            ) from None
        return self._import(data, record)

    def _public(self, record: SigningKeyRecord) -> AsymmetricKey:
        return self._import(json.loads(record.public_jwk), record)

    @staticmethod
    def _import(data: dict[str, Any], record: SigningKeyRecord) -> AsymmetricKey:
        key = KEY_TYPES[record.alg].import_key({**data, "kid": record.kid})
        return key
