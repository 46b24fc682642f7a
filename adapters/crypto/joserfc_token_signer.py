import json

from joserfc import jws

from adapters.crypto.ecdsa_low_s import with_low_s
from adapters.crypto.signing_keys import SigningKeySet
from application.ports.token_signer import TokenSigner
from domain.claims import ACCESS_TOKEN_TYPE, AccessClaims


class JoserfcTokenSigner(TokenSigner):
    """Signs with whichever key the key set names as signing now: a rotation needs no restart. An ES256
    signature is always written low-S (adapters/crypto/ecdsa_low_s.py), the only spelling the verifier accepts."""

    def __init__(self, keys: SigningKeySet) -> None:
        self._keys = keys

    def sign(self, claims: AccessClaims) -> str:
        key, alg = self._keys.active, self._keys.alg
        header = {"alg": alg, "typ": ACCESS_TOKEN_TYPE, "kid": self._keys.kid}
        payload = json.dumps(claims.as_payload(), separators=(",", ":"))
        token = jws.serialize_compact(header, payload, key, algorithms=[alg])
        return with_low_s(token) if alg == "ES256" else token

    def can_sign(self) -> bool:
        return self._keys.can_sign
