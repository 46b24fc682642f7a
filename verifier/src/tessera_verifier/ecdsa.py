"""ES256 signatures in their one spelling, as tessera writes them. ECDSA's `(r, s)` and `(r, n − s)` both
verify, so a signature has two; tessera signs and accepts only the low one (`s ≤ n/2`), and so does its
verifier: a token tessera refuses must not pass downstream. Plain integers, no dependency: the server's
rule (adapters/crypto/ecdsa_low_s.py) cannot be imported here, so tests/verifier/attacks.py holds the
cases both must judge alike."""

P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
"""n, the order of the P-256 group (SEC 2, secp256r1)."""
_HALF_ORDER = P256_ORDER // 2
_SCALAR_BYTES = 32
"""An ES256 signature is `r ‖ s`, each a 32-byte big-endian integer (RFC 7518 §3.4)."""


def has_low_s(signature: bytes) -> bool:
    """A 64-byte `r ‖ s` whose `s` is in [1, n/2]; anything else is refused before the curve is touched."""
    if len(signature) != 2 * _SCALAR_BYTES:
        return False
    return 0 < int.from_bytes(signature[_SCALAR_BYTES:], "big") <= _HALF_ORDER
