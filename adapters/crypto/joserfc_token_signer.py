import json

from joserfc import jws

from adapters.crypto.ecdsa_low_s import with_low_s
from adapters.crypto.signing_keys import SigningKeySet
from application.ports.token_signer import TokenSigner
from domain.claims import ACCESS_TOKEN_TYPE, AccessClaims


class JoserfcTokenSigner(TokenSigner):
    """Signs with whichever key the key set names as signing now: a rotation needs no restart. An ES256
    signature is always written low-S (adapters/crypto/ecdsa_low_s.py), the only spelling the verifier accepts.

    `sign` signs on the event loop's own thread. On a thread of its own, the RS256 signature (about a
    quarter of a millisecond, in one piece) no longer held up the requests queued behind it, but the hop
    there and back cost more than it saved: 0.2 to 0.3 ms more CPU a refresh and 11 to 18 % fewer refreshes
    a second on PostgreSQL (`benchmarks.run --only refresh`, issue 23)."""

    def __init__(self, keys: SigningKeySet) -> None:
        self._keys = keys

    async def sign(self, claims: AccessClaims) -> str:
        return self.sign_now(claims)

    def sign_now(self, claims: AccessClaims) -> str:
        """`sign` for tools that sign outside an event loop (the benchmarks' token lists)."""
        key, alg = self._keys.active, self._keys.alg
        header = {"alg": alg, "typ": ACCESS_TOKEN_TYPE, "kid": self._keys.kid}
        payload = json.dumps(claims.as_payload(), separators=(",", ":"))
        token = jws.serialize_compact(header, payload, key, algorithms=[alg])
        return with_low_s(token) if alg == "ES256" else token

    def can_sign(self) -> bool:
        return self._keys.can_sign
