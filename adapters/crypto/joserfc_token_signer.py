import json

from joserfc import jws

from adapters.crypto.signing_keys import SigningKeySet
from application.ports.token_signer import TokenSigner
from domain.claims import ACCESS_TOKEN_TYPE, AccessClaims


class JoserfcTokenSigner(TokenSigner):
    def __init__(self, keys: SigningKeySet) -> None:
        self._keys = keys
        self._header = {"alg": keys.alg, "typ": ACCESS_TOKEN_TYPE, "kid": keys.kid}

    def sign(self, claims: AccessClaims) -> str:
        payload = json.dumps(claims.as_payload(), separators=(",", ":"))
        return jws.serialize_compact(self._header, payload, self._keys.active, algorithms=[self._keys.alg])
