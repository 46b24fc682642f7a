"""The one bounded cache of verified access tokens, in front of the real verifier."""

from collections import OrderedDict
from collections.abc import Mapping
from types import MappingProxyType

from adapters.crypto.signing_keys import SigningKeySet
from application.ports.token_verifier import TokenVerifier
from application.results import Principal
from domain.claims import AccessClaims, Validity
from domain.policy import TokenPolicy

DEFAULT_MAX_TOKENS = 50_000
"""About 1.5 KiB a token (the string, its payload and claims): some 75 MiB at most, whatever the users."""


class _Verified:
    __slots__ = ("claims", "payload", "policy", "principal")

    def __init__(self, payload: Mapping[str, object]) -> None:
        self.payload = payload
        self.policy: TokenPolicy | None = None
        self.claims: tuple[AccessClaims, Validity] | None = None
        self.principal: Principal | None = None

    def judged(self, policy: TokenPolicy) -> tuple[tuple[AccessClaims, Validity], Principal]:
        """The clock-free claims under `policy`, and the principal they name: made once for that policy."""
        if self.claims is None or self.principal is None or self.policy is not policy:
            claims = AccessClaims.timeless_from_payload(self.payload, policy)
            self.claims, self.principal, self.policy = claims, Principal.of(claims[0]), policy
        return self.claims, self.principal


class CachingTokenVerifier(TokenVerifier):
    """Remembers, by the exact token string, what the real verifier accepted (payload, clock-free claims
    and the principal they name): a token seen again costs a look-up, not an RSA check nor a new principal.
    Failures are never cached; any key-set change empties it; the least recently used go first past
    `max_tokens`."""

    def __init__(self, inner: TokenVerifier, keys: SigningKeySet, max_tokens: int = DEFAULT_MAX_TOKENS) -> None:
        if max_tokens < 1:
            raise ValueError("max_tokens must be at least 1")
        self._inner = inner
        self._keys = keys
        self._max_tokens = max_tokens
        self._generation = keys.generation
        self._verified: OrderedDict[str, _Verified] = OrderedDict()

    def verify(self, token: str) -> Mapping[str, object]:
        return self._entry(token).payload

    def verified_claims(self, token: str, policy: TokenPolicy) -> tuple[AccessClaims, Validity]:
        return self._entry(token).judged(policy)[0]

    def verified_principal(self, token: str, policy: TokenPolicy) -> tuple[Principal, Validity]:
        (_, validity), principal = self._entry(token).judged(policy)
        return principal, validity

    def _entry(self, token: str) -> _Verified:
        if self._keys.generation != self._generation:
            self._verified.clear()
            self._generation = self._keys.generation
        verified = self._verified
        entry = verified.get(token)
        if entry is not None:
            verified.move_to_end(token)
            return entry
        generation = self._generation
        entry = _Verified(MappingProxyType(self._inner.verify(token)))  # read-only: shared by every hit
        if self._keys.generation == generation:  # not if the keys changed while verifying
            verified[token] = entry
            if len(verified) > self._max_tokens:
                verified.popitem(last=False)
        return entry

    def __len__(self) -> int:
        return len(self._verified)
