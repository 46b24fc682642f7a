"""The tokens already verified, by their exact string: a token seen again costs a look-up, not a signature check."""

import contextlib
from collections import OrderedDict

from tessera_verifier.claims import Claims, Validity, claims_of
from tessera_verifier.compact import Compact, payload_of
from tessera_verifier.errors import InvalidToken
from tessera_verifier.keys import KeySet, SignatureCheck

Verified = tuple[Claims, Validity]


class VerifiedTokens:
    """What passed the signature and the clock-free claim rules, tied to the key set that verified it: a
    new key set (a key retired, say) forgets everything. The time claims and the revocation list are
    judged again at every use, by the verifier. Failures are never remembered; past `max_tokens`, the
    least recently used go first."""

    def __init__(self, issuer: str, audience: str, max_tokens: int) -> None:
        if max_tokens < 1:
            raise ValueError("max_tokens must be at least 1")
        self._issuer, self._audience, self._max_tokens = issuer, audience, max_tokens
        self._entries: OrderedDict[str, tuple[Claims, Validity, KeySet]] = OrderedDict()

    def get(self, token: str, keys: KeySet | None) -> Verified | None:
        entry = self._entries.get(token)
        if entry is None or entry[2] is not keys:
            return None
        with contextlib.suppress(KeyError):  # evicted by another thread meanwhile: still verified
            self._entries.move_to_end(token)
        return entry[0], entry[1]

    def verify(self, token: str, compact: Compact, check: SignatureCheck, keys: KeySet) -> Verified:
        if not check(compact.signing_input, compact.signature):
            raise InvalidToken
        claims, validity = claims_of(payload_of(compact), self._issuer, self._audience)
        self._entries[token] = (claims, validity, keys)
        while len(self._entries) > self._max_tokens:
            try:
                self._entries.popitem(last=False)
            except KeyError:
                break
        return claims, validity
