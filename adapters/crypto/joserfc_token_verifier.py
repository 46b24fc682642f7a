import binascii
from collections.abc import Callable, Mapping

import msgspec
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from joserfc.errors import JoseError
from joserfc.jws import JWSRegistry

from adapters.crypto.ecdsa_low_s import has_low_s
from adapters.crypto.signing_keys import AsymmetricKey, SigningKeySet
from application.ports.token_verifier import TokenVerifier
from domain.claims import ACCESS_TOKEN_TYPE, MAX_TOKEN_LENGTH
from domain.errors import InvalidAccessToken


class _Header(msgspec.Struct, forbid_unknown_fields=True):
    """The protected header: exactly what tessera writes, three strings. Anything else (`jku`, `x5u`,
    `jwk`, `x5c`, `crit`, `b64`, `zip`, ...) is refused outright rather than ignored: nothing in a
    header ever chooses a key or a behaviour."""

    alg: str
    typ: str
    kid: str


ALLOWED_HEADER = frozenset(_Header.__struct_fields__)


_read_header = msgspec.json.Decoder(_Header).decode
_read_payload = msgspec.json.Decoder().decode
"""UTF-8 JSON only (RFC 7519 §7.2), no NaN or Infinity literals; a malformed or too deeply nested
document is a `msgspec.DecodeError` (a `ValueError`) or a `RecursionError`."""

_TO_STANDARD_ALPHABET = bytes.maketrans(b"-_+/=", b"+/!!!")
"""base64url to base64; `+`, `/` and `=` (never valid in base64url) become a character strict decoding refuses."""
_CANONICAL_LAST = ("", "AEIMQUYcgkosw048", "AQgw")
"""By the padding a part needs: the last characters whose unused low bits are zero."""


def _b64url(part: str) -> bytes:
    """Strict unpadded base64url (RFC 7515 §2): only its alphabet, no padding, no impossible length, no
    stray bits in the last character, so one token has exactly one spelling. Anything else raises."""
    pad = -len(part) % 4
    if pad == 3 or (pad and part[-1] not in _CANONICAL_LAST[pad]):
        raise ValueError("not canonical base64url")
    return binascii.a2b_base64(part.encode("ascii").translate(_TO_STANDARD_ALPHABET) + b"=" * pad, strict_mode=True)


def _is_access_token_type(typ: object) -> bool:
    """`at+jwt`, or its full media type `application/at+jwt` (RFC 9068 §2.1), case-insensitively."""
    if typ == ACCESS_TOKEN_TYPE:
        return True
    return isinstance(typ, str) and typ.lower().removeprefix("application/") == ACCESS_TOKEN_TYPE


SignatureCheck = Callable[[bytes, bytes], bool]


def _signature_check(key: AsymmetricKey, alg: str) -> SignatureCheck:
    """What checks a signature under this key and only this algorithm, prepared once per key set.

    RS256, the default and the hot path, calls the `cryptography` key that joserfc imported directly
    (PKCS#1 v1.5 with SHA-256, as RFC 7518 §3.3 defines it); every other algorithm goes through
    joserfc's own implementation; ES256 only in its low-S spelling (ecdsa_low_s), so that a token has one."""
    if alg == "RS256":
        public = key.get_op_key("verify")
        assert isinstance(public, RSAPublicKey)  # a key installed as RS256 is an RSA key (signing_keys.fits_algorithm)

        pkcs1, sha256 = padding.PKCS1v15(), hashes.SHA256()  # stateless: made once, not per token

        def rs256(message: bytes, signature: bytes) -> bool:
            try:
                public.verify(signature, message, pkcs1, sha256)
            except InvalidSignature:
                return False
            return True

        return rs256
    model = JWSRegistry.algorithms[alg]
    if alg == "ES256":
        return lambda message, signature: has_low_s(signature) and bool(model.verify(message, signature, key))
    return lambda message, signature: bool(model.verify(message, signature, key))


class JoserfcTokenVerifier(TokenVerifier):
    """Checks a compact JWS: the algorithm pinned by the server for each key, the key looked up
    locally by `kid` (never from `jku`, `x5u`, `jwk` or `x5c`), strict base64url, a header of
    exactly `alg`, `typ: at+jwt` and `kid`, and the signature. Any failure, whatever its cause, is
    the same `InvalidAccessToken`. Keys are prepared once per key set, not once per token."""

    def __init__(self, keys: SigningKeySet) -> None:
        self._keys = keys
        self._generation = -1
        self._checks: dict[str, tuple[str, SignatureCheck]] = {}

    def verify(self, token: str) -> Mapping[str, object]:
        if len(token) > MAX_TOKEN_LENGTH:
            raise InvalidAccessToken
        parts = token.split(".")
        if len(parts) != 3:
            raise InvalidAccessToken
        header_part, payload_part, signature_part = parts
        try:
            header = _read_header(_b64url(header_part))
            found = self._check_for(header.kid)
            if found is None or header.alg != found[0] or not _is_access_token_type(header.typ):
                raise InvalidAccessToken
            signing_input = token[: len(header_part) + 1 + len(payload_part)].encode("ascii")
            if not found[1](signing_input, _b64url(signature_part)):
                raise InvalidAccessToken
            payload = _read_payload(_b64url(payload_part))
        except (JoseError, ValueError, TypeError, KeyError, RecursionError, binascii.Error):
            raise InvalidAccessToken from None
        if not isinstance(payload, dict):
            raise InvalidAccessToken
        return payload

    def _check_for(self, kid: object) -> tuple[str, SignatureCheck] | None:
        if self._keys.generation != self._generation:
            self._checks = {}
            self._generation = self._keys.generation
        if not isinstance(kid, str):
            return None
        if kid not in self._checks:
            found = self._keys.public_key(kid)
            if found is None:
                return None
            self._checks[kid] = (found[1], _signature_check(*found))
        return self._checks[kid]
