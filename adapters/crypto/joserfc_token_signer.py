import json

from joserfc import jws

from adapters.crypto.signing_keys import SigningKeySet
from application.ports.token_signer import TokenSigner
from domain.claims import ACCESS_TOKEN_TYPE, AccessClaims


class JoserfcTokenSigner(TokenSigner):
    """Signs with whichever key the key set names as signing now: a rotation needs no restart."""

    def __init__(self, keys: SigningKeySet) -> None:
        self._keys = keys

    def sign(self, claims: AccessClaims) -> str:
        key, alg = self._keys.active, self._keys.alg
        header = {"alg": alg, "typ": ACCESS_TOKEN_TYPE, "kid": self._keys.kid}
        payload = json.dumps(claims.as_payload(), separators=(",", ":"))
        return jws.serialize_compact(header, payload, key, algorithms=[alg])

    def can_sign(self) -> bool:
        return self._keys.can_sign
