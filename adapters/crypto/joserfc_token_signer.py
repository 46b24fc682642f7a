import asyncio
import json
from concurrent.futures import ThreadPoolExecutor

from joserfc import jws

from adapters.crypto.ecdsa_low_s import with_low_s
from adapters.crypto.signing_keys import SigningKeySet
from application.ports.token_signer import TokenSigner
from domain.claims import ACCESS_TOKEN_TYPE, AccessClaims


class JoserfcTokenSigner(TokenSigner):
    """Signs with whichever key the key set names as signing now: a rotation needs no restart. An ES256
    signature is always written low-S (adapters/crypto/ecdsa_low_s.py), the only spelling the verifier accepts.

    `sign` runs on a thread of this signer's own, off the event loop: the private-key operation
    (cryptography's, which releases the GIL) took a fifth of a millisecond or more, in one piece, at the
    end of every login and refresh, and every request queued behind it waited that long. One thread: the
    loop signed one token at a time too, and a second would only queue for the GIL."""

    def __init__(self, keys: SigningKeySet) -> None:
        self._keys = keys
        self._thread: ThreadPoolExecutor | None = None

    async def sign(self, claims: AccessClaims) -> str:
        if self._thread is None:  # made on first use: a process that never signs starts no thread
            self._thread = ThreadPoolExecutor(1, "token-signing")
        return await asyncio.get_running_loop().run_in_executor(self._thread, self.sign_now, claims)

    def sign_now(self, claims: AccessClaims) -> str:
        """`sign` on the calling thread (tools that sign outside an event loop, such as the benchmarks)."""
        key, alg = self._keys.active, self._keys.alg
        header = {"alg": alg, "typ": ACCESS_TOKEN_TYPE, "kid": self._keys.kid}
        payload = json.dumps(claims.as_payload(), separators=(",", ":"))
        token = jws.serialize_compact(header, payload, key, algorithms=[alg])
        return with_low_s(token) if alg == "ES256" else token

    def can_sign(self) -> bool:
        return self._keys.can_sign
