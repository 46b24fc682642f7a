"""Strict parsing of a compact JWS, as tessera writes it and nothing else."""

import binascii
import json
from dataclasses import dataclass
from typing import Any

from tessera_verifier.errors import InvalidToken

MAX_TOKEN_LENGTH = 4096
"""Longer input is refused before any parsing or cryptography: tessera's tokens are well under 1 KiB."""
HEADER_MEMBERS = frozenset({"alg", "typ", "kid"})
"""Exactly what tessera writes. Anything else (`jwk`, `jku`, `x5u`, `x5c`, `crit`, ...) is refused, not
ignored: nothing in a header ever chooses a key or a behaviour."""
ACCESS_TOKEN_TYPE = "at+jwt"

_TO_STANDARD_ALPHABET = bytes.maketrans(b"-_+/=", b"+/!!!")
_CANONICAL_LAST = ("", "AEIMQUYcgkosw048", "AQgw")


@dataclass(frozen=True, slots=True)
class Compact:
    alg: str
    kid: str
    signing_input: bytes
    signature: bytes
    payload_part: str


def b64url(part: str) -> bytes:
    """Strict unpadded base64url (RFC 7515 §2): one spelling per byte string, no padding, no stray bits."""
    pad = -len(part) % 4
    if pad == 3 or (pad and part[-1] not in _CANONICAL_LAST[pad]):
        raise ValueError("not canonical base64url")
    return binascii.a2b_base64(part.encode("ascii").translate(_TO_STANDARD_ALPHABET) + b"=" * pad, strict_mode=True)


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def json_object(data: bytes) -> dict[str, Any]:
    """UTF-8 JSON, an object, no NaN or Infinity: else ValueError."""
    value = json.loads(data.decode("utf-8"), parse_constant=_refuse_constant)
    if not isinstance(value, dict):
        raise ValueError("not a JSON object")
    return value


def is_access_token_type(typ: object) -> bool:
    """`at+jwt`, or `application/at+jwt` (RFC 9068 §2.1), case-insensitively."""
    return isinstance(typ, str) and typ.lower().removeprefix("application/") == ACCESS_TOKEN_TYPE


def parse(token: str) -> Compact:
    if len(token) > MAX_TOKEN_LENGTH or not token.isascii():
        raise InvalidToken
    parts = token.split(".")
    if len(parts) != 3:
        raise InvalidToken
    header_part, payload_part, signature_part = parts
    try:
        header = json_object(b64url(header_part))
        signature = b64url(signature_part)
    except (ValueError, RecursionError, binascii.Error):
        raise InvalidToken from None
    alg, kid = header.get("alg"), header.get("kid")
    if header.keys() != HEADER_MEMBERS or not isinstance(alg, str) or not isinstance(kid, str):
        raise InvalidToken
    if not is_access_token_type(header["typ"]):
        raise InvalidToken
    signing_input = token[: len(header_part) + 1 + len(payload_part)].encode("ascii")
    return Compact(alg, kid, signing_input, signature, payload_part)


def payload_of(compact: Compact) -> dict[str, Any]:
    try:
        return json_object(b64url(compact.payload_part))
    except (ValueError, RecursionError, binascii.Error):
        raise InvalidToken from None
