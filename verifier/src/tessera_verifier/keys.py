"""A published key set (JWKS), ready to check signatures: each key with the one algorithm it names."""

from collections.abc import Callable, Mapping
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from joserfc.errors import JoseError
from joserfc.jwk import JWKRegistry
from joserfc.jws import JWSRegistry

from tessera_verifier.ecdsa import has_low_s

ALLOWED_ALGORITHMS = frozenset({"RS256", "ES256", "EdDSA", "Ed25519"})
"""What tessera signs with. `none`, HMAC and anything else are never accepted, whatever a JWKS says."""
KEY_TYPES = {
    "RS256": ("RSA", None),
    "ES256": ("EC", "P-256"),
    "EdDSA": ("OKP", "Ed25519"),
    "Ed25519": ("OKP", "Ed25519"),
}
"""The key type (and curve) each algorithm needs: a key published for one algorithm verifies no other."""
PRIVATE_MEMBERS = frozenset({"d", "p", "q", "dp", "dq", "qi", "oth", "k"})

SignatureCheck = Callable[[bytes, bytes], bool]


class KeySet:
    """The signature checks of a JWKS by `kid`. A key without `kid` or `alg`, with an algorithm outside
    the allow-list, with private or symmetric material, or not for signatures, is left out."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        self._checks: dict[str, tuple[str, SignatureCheck]] = {}
        keys = document.get("keys")
        if not isinstance(keys, list):
            raise ValueError("a JWKS has a list of keys")
        for member in keys:
            found = _check_of(member)
            if found is not None:
                self._checks[member["kid"]] = found

    def check(self, kid: str, alg: str) -> SignatureCheck | None:
        """The check for a token of this `kid` and `alg`: None unless the key exists and names that very alg."""
        found = self._checks.get(kid)
        return found[1] if found is not None and found[0] == alg else None

    def __contains__(self, kid: object) -> bool:
        return kid in self._checks

    def __len__(self) -> int:
        return len(self._checks)


def _check_of(member: object) -> tuple[str, SignatureCheck] | None:
    if not isinstance(member, dict):
        return None
    kid, alg = member.get("kid"), member.get("alg")
    if not isinstance(kid, str) or alg not in ALLOWED_ALGORITHMS or member.keys() & PRIVATE_MEMBERS:
        return None
    if member.get("use", "sig") != "sig" or (member.get("kty"), member.get("crv")) != KEY_TYPES[alg]:
        return None
    try:
        key = JWKRegistry.import_key(member)
    except (JoseError, ValueError, TypeError, KeyError):
        return None
    return alg, _signature_check(key, alg)


def _signature_check(key: Any, alg: str) -> SignatureCheck:
    """RS256, the usual case, calls `cryptography` directly (PKCS#1 v1.5, SHA-256, RFC 7518 §3.3); other
    algorithms go through joserfc, ES256 only in its low-S spelling (tessera's rule, `ecdsa.has_low_s`)."""
    if alg == "RS256":
        public = key.get_op_key("verify")
        if not isinstance(public, RSAPublicKey) or public.key_size < 2048:
            return lambda message, signature: False
        pkcs1, sha256 = padding.PKCS1v15(), hashes.SHA256()

        def rs256(message: bytes, signature: bytes) -> bool:
            try:
                public.verify(signature, message, pkcs1, sha256)
            except InvalidSignature:
                return False
            return True

        return rs256
    model = JWSRegistry.algorithms[alg]

    def other(message: bytes, signature: bytes) -> bool:
        try:
            return bool(model.verify(message, signature, key))
        except (JoseError, ValueError, TypeError):
            return False

    if alg == "ES256":
        return lambda message, signature: has_low_s(signature) and other(message, signature)
    return other
