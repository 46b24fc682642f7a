"""One spelling per ES256 signature. ECDSA's `(r, s)` and `(r, n − s)` both verify, so a token signed once
has two valid spellings; `cryptography` (and so joserfc) returns either, at random. tessera writes only the
low one (`s ≤ n/2`, as Bitcoin's BIP 62/146 require) and refuses the high one."""

import base64

P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
"""n, the order of the P-256 group (SEC 2, secp256r1)."""
_HALF_ORDER = P256_ORDER // 2
_SCALAR_BYTES = 32
"""An ES256 signature is `r ‖ s`, each a 32-byte big-endian integer (RFC 7518 §3.4)."""


def _s(signature: bytes) -> int:
    return int.from_bytes(signature[_SCALAR_BYTES:], "big")


def has_low_s(signature: bytes) -> bool:
    """A 64-byte `r ‖ s` whose `s` is in [1, n/2]; anything else is refused before the curve is touched."""
    return len(signature) == 2 * _SCALAR_BYTES and 0 < _s(signature) <= _HALF_ORDER


def low_s(signature: bytes) -> bytes:
    """The same signature with `s` replaced by `n − s` when it is high: it verifies exactly as before."""
    s = _s(signature)
    if s <= _HALF_ORDER:
        return signature
    return signature[:_SCALAR_BYTES] + (P256_ORDER - s).to_bytes(_SCALAR_BYTES, "big")


def with_low_s(token: str) -> str:
    """A compact ES256 JWS with its signature in the low-S spelling."""
    signing_input, _, encoded = token.rpartition(".")
    signature = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
    return f"{signing_input}.{base64.urlsafe_b64encode(low_s(signature)).rstrip(b'=').decode()}"
