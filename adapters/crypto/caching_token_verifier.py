"""A bounded cache of verified access tokens in front of the real verifier."""

from collections import OrderedDict
from collections.abc import Mapping
from types import MappingProxyType

from adapters.crypto.signing_keys import SigningKeySet
from application.ports.token_verifier import TokenVerifier

DEFAULT_MAX_TOKENS = 2048
"""About 2 KiB a token (the string and its payload): a few MiB at most, whatever the number of users."""


class CachingTokenVerifier(TokenVerifier):
    """Remembers the payload of tokens whose header and signature held, keyed by the exact token string,
    so a token seen again costs a dictionary look-up instead of an RSA verification.

    Only the signature check is cached. The claims (expiry above all) and revocation are the caller's
    and are judged again on every request, cache hit or not. Failures are never cached: a refused token
    is refused by the real verifier every time. Any change of the key set (reload, rotation, a key
    withdrawn) empties the cache, so a token is never accepted on a key that no longer verifies it.
    At most `max_tokens` entries are kept, the least recently used evicted first.
    """

    def __init__(self, inner: TokenVerifier, keys: SigningKeySet, max_tokens: int = DEFAULT_MAX_TOKENS) -> None:
        if max_tokens < 1:
            raise ValueError("max_tokens must be at least 1")
        self._inner = inner
        self._keys = keys
        self._max_tokens = max_tokens
        self._generation = keys.generation
        self._verified: OrderedDict[str, Mapping[str, object]] = OrderedDict()

    def verify(self, token: str) -> Mapping[str, object]:
        if self._keys.generation != self._generation:
            self._verified.clear()
            self._generation = self._keys.generation
        verified = self._verified
        payload = verified.get(token)
        if payload is not None:
            verified.move_to_end(token)
            return payload
        generation = self._generation
        payload = MappingProxyType(dict(self._inner.verify(token)))  # read-only: shared by every hit
        if self._keys.generation == generation:  # not if the keys changed while verifying
            verified[token] = payload
            if len(verified) > self._max_tokens:
                verified.popitem(last=False)
        return payload

    def __len__(self) -> int:
        return len(self._verified)
