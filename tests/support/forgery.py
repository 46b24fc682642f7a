"""Hand-made tokens: every byte of header, payload and signature chosen by the test, not by a JOSE library.

A library would refuse to write most of what an attacker sends (`alg: none`, an unknown `crit`,
a header that is not an object, `1e309` in the payload), so the segments are built by hand here.
"""

import base64
import functools
import hashlib
import hmac
import json
import time
import uuid
from typing import Any

from joserfc.jwk import ECKey, RSAKey
from joserfc.jws import JWSRegistry

ISSUER = "https://auth.tessera.test"
AUDIENCE = "tessera-tests"
P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
"""n, the order of the P-256 group (SEC 2, secp256r1): `(r, s)` and `(r, n − s)` are both valid ECDSA."""


@functools.cache
def attacker_rsa_key() -> RSAKey:
    """The attacker's own key pair: everything a forger can have that tessera has not published."""
    key = RSAKey.generate_key(2048, private=True)
    key.ensure_kid()
    return key


@functools.cache
def attacker_ec_key() -> ECKey:
    key = ECKey.generate_key("P-256", private=True)
    key.ensure_kid()
    return key


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def segment(value: object) -> str:
    """A segment of exactly these bytes, of this raw JSON text (a `str`, so it may be anything), or of this value."""
    if isinstance(value, bytes):
        return b64url(value)
    return b64url((value if isinstance(value, str) else json.dumps(value)).encode())


def claims(user_id: str, **changes: Any) -> dict[str, Any]:
    """The claims tessera itself writes for the user, changed as asked; a change to `...` drops the claim."""
    now = int(time.time())
    base: dict[str, Any] = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": user_id,
        "exp": now + 600,
        "iat": now,
        "jti": str(uuid.uuid4()),
        "sid": str(uuid.uuid4()),
        "roles": [],
    }
    base.update(changes)
    return {name: value for name, value in base.items() if value is not ...}


def header_for(key: RSAKey | ECKey, **changes: Any) -> dict[str, Any]:
    """The header tessera writes, changed as asked; a change to `...` drops the member."""
    base: dict[str, Any] = {"alg": "RS256", "typ": "at+jwt", "kid": key.kid}
    base.update(changes)
    return {name: value for name, value in base.items() if value is not ...}


def signed(header: object, payload: object, key: RSAKey | ECKey, alg: str | None = None) -> str:
    """Signs exactly these segments with `alg` (by default the header's own) and `key`; ES256 in the low-S
    spelling, as tessera writes it (joserfc alone writes a high S half the time, which tessera refuses)."""
    signing_input = f"{segment(header)}.{segment(payload)}"
    name = alg or (header["alg"] if isinstance(header, dict) else "RS256")
    signature = JWSRegistry.algorithms[name].sign(signing_input.encode(), key)
    if name == "ES256":
        s = int.from_bytes(signature[32:], "big")
        signature = signature[:32] + min(s, P256_ORDER - s).to_bytes(32, "big")
    return f"{signing_input}.{b64url(signature)}"


def hmac_signed(header: object, payload: object, secret: bytes) -> str:
    signing_input = f"{segment(header)}.{segment(payload)}"
    return f"{signing_input}.{b64url(hmac.new(secret, signing_input.encode(), hashlib.sha256).digest())}"


def unsigned(header: object, payload: object, signature: str = "") -> str:
    return f"{segment(header)}.{segment(payload)}.{signature}"


def lenient_b64decode(text: str) -> bytes:
    """How a forgiving decoder reads a segment: padding restored, stray low bits ignored."""
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def non_canonical(signature: str) -> str:
    """The same bytes to a forgiving decoder, but a different string: the unused low bits of the last
    character set. RS256 signatures are 256 bytes, so their last character carries 4 unused bits."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    last = alphabet.index(signature[-1])
    return signature[:-1] + alphabet[last | 0b0001]


def es256_scalars(token: str) -> tuple[int, int]:
    """`(r, s)` of a compact ES256 token's raw `r ‖ s` signature (RFC 7518 §3.4)."""
    signature = lenient_b64decode(token.rpartition(".")[2])
    return int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")


def with_signature(token: str, signature: bytes) -> str:
    """The same header and payload under these signature bytes."""
    return f"{token.rpartition('.')[0]}.{b64url(signature)}"


def with_es256_s(token: str, s: int) -> str:
    """The same token with the `s` of its ES256 signature replaced, `r` kept."""
    r, _ = es256_scalars(token)
    return with_signature(token, r.to_bytes(32, "big") + s.to_bytes(32, "big"))
