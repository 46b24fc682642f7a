import json
from collections.abc import Mapping

from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import GuestProtocol

from adapters.crypto.signing_keys import AsymmetricKey, SigningKeySet
from application.ports.token_verifier import TokenVerifier
from domain.claims import ACCESS_TOKEN_TYPE
from domain.errors import InvalidAccessToken

MAX_TOKEN_LENGTH = 4096
"""Longer input is refused before any parsing or cryptography: our tokens are well under 1 KiB."""

ALLOWED_HEADER = frozenset({"alg", "typ", "kid"})
"""Exactly what tessera writes. Anything else (`jku`, `x5u`, `jwk`, `x5c`, `crit`, `b64`, `zip`, ...)
is refused outright rather than ignored: nothing in a header ever chooses a key or a behaviour."""


def _is_access_token_type(typ: object) -> bool:
    """`at+jwt`, or its full media type `application/at+jwt` (RFC 9068 §2.1), case-insensitively."""
    return isinstance(typ, str) and typ.lower().removeprefix("application/") == ACCESS_TOKEN_TYPE


class JoserfcTokenVerifier(TokenVerifier):
    """Checks a compact JWS: the algorithm pinned by the server, the key looked up locally by `kid`
    (never from `jku`, `x5u`, `jwk` or `x5c`), `typ: at+jwt`, and the signature. Any failure,
    whatever its cause, is the same `InvalidAccessToken`."""

    def __init__(self, keys: SigningKeySet) -> None:
        self._keys = keys

    def verify(self, token: str) -> Mapping[str, object]:
        if len(token) > MAX_TOKEN_LENGTH or token.count(".") != 2:
            raise InvalidAccessToken
        try:
            signed = jws.deserialize_compact(token, self._key_for, algorithms=self._keys.algorithms)
            header = signed.headers()
            payload = json.loads(signed.payload)
        except (JoseError, ValueError, TypeError, KeyError, RecursionError):
            raise InvalidAccessToken from None
        if not header.keys() <= ALLOWED_HEADER or not _is_access_token_type(header.get("typ")):
            raise InvalidAccessToken
        if not isinstance(payload, dict):
            raise InvalidAccessToken
        return payload

    def _key_for(self, obj: GuestProtocol) -> AsymmetricKey:
        """The key named by `kid`, and only if the token's `alg` is that key's own algorithm."""
        header = obj.headers()
        found = self._keys.public_key(header.get("kid"))
        if found is None or header.get("alg") != found[1]:
            raise InvalidAccessToken
        return found[0]
