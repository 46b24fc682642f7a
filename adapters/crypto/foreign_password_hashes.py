"""Verifying passwords against the hashes other systems made, with the algorithms those systems used.

Each format is recomputed with the standard library's `hashlib` (PBKDF2, scrypt) or the maintained
`bcrypt` and `argon2-cffi` packages, and compared in constant time (`hmac.compare_digest`, or the
library's own). The formats and their parameters are those of Django, Werkzeug, passlib and bcrypt;
the tests check them against hashes made by those very libraries (and by Node's bcryptjs). Only hashes
within their format's bounds (`domain.imported_password_hashes`) reach these functions."""

import base64
import binascii
import hashlib
import hmac
from collections.abc import Callable

import bcrypt
from argon2 import PasswordHasher as Argon2Hasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from domain.password_hashes import HashFormat

_BCRYPT_MAX_BYTES = 72
_argon2 = Argon2Hasher()


def verify_argon2(password_hash: str, password: str) -> bool:
    try:
        return _argon2.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def _bcrypt(password_hash: str, password: bytes) -> bool:
    # Every bcrypt read only the first 72 bytes; bcrypt 5 refuses longer input instead of cutting it.
    # `$2y$` (PHP's name) and `$2a$` hash as `$2b$` does for any password that bcrypt ever accepted.
    normalised = "$2b$" + password_hash[4:]
    try:
        return bcrypt.checkpw(password[:_BCRYPT_MAX_BYTES], normalised.encode("ascii"))
    except ValueError:
        return False


def _django_pbkdf2(hash_name: str) -> Callable[[str, str], bool]:
    def verify(password_hash: str, password: str) -> bool:
        _, iterations, salt, expected = password_hash.split("$")
        digest = hashlib.pbkdf2_hmac(hash_name, password.encode(), salt.encode(), int(iterations))
        return hmac.compare_digest(base64.b64encode(digest).decode("ascii"), expected)

    return verify


def _django_scrypt(password_hash: str, password: str) -> bool:
    _, n, salt, r, p, expected = password_hash.split("$")
    digest = _scrypt(password, salt, int(n), int(r), int(p))
    return digest is not None and hmac.compare_digest(base64.b64encode(digest).decode("ascii"), expected)


def _scrypt(password: str, salt: str, n: int, r: int, p: int) -> bytes | None:
    """Both Django and Werkzeug derive 64 bytes; OpenSSL needs 128·r·(n + p + 2) bytes of memory for it."""
    try:
        return hashlib.scrypt(
            password.encode(), salt=salt.encode(), n=n, r=r, p=p, maxmem=128 * r * (n + p + 2) + 2**20, dklen=64
        )
    except (ValueError, MemoryError):  # parameters no machine can meet: no password verifies
        return None


def _django_bcrypt_sha256(password_hash: str, password: str) -> bool:
    # Django hashes the password with SHA-256 first (hex), so that no byte beyond bcrypt's 72 is lost.
    return _bcrypt(
        password_hash.removeprefix("bcrypt_sha256$"), binascii.hexlify(hashlib.sha256(password.encode()).digest())
    )


def _werkzeug_pbkdf2(password_hash: str, password: str) -> bool:
    method, salt, expected = password_hash.split("$")
    _, hash_name, iterations = method.split(":")
    digest = hashlib.pbkdf2_hmac(hash_name, password.encode(), salt.encode(), int(iterations))
    return hmac.compare_digest(digest.hex(), expected)


def _werkzeug_scrypt(password_hash: str, password: str) -> bool:
    method, salt, expected = password_hash.split("$")
    n, r, p = (int(part) for part in method.split(":")[1:])
    digest = _scrypt(password, salt, n, r, p)
    return digest is not None and hmac.compare_digest(digest.hex(), expected)


def _ab64(text: str) -> bytes:
    """passlib's adapted base64: `.` for `+`, no padding."""
    text = text.replace(".", "+")
    return base64.b64decode(text + "=" * (-len(text) % 4))


def _passlib_pbkdf2_sha256(password_hash: str, password: str) -> bool:
    _, _, rounds, salt, checksum = password_hash.split("$")
    try:
        salt_bytes, expected = _ab64(salt), _ab64(checksum)
    except binascii.Error:
        return False
    # Always the whole 32 bytes passlib writes: a shorter stored checksum must never shorten the comparison.
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt_bytes, int(rounds))
    return hmac.compare_digest(digest, expected)


_VERIFIERS: dict[HashFormat, Callable[[str, str], bool]] = {
    HashFormat.ARGON2: verify_argon2,
    HashFormat.BCRYPT: lambda password_hash, password: _bcrypt(password_hash, password.encode()),
    HashFormat.DJANGO_PBKDF2_SHA256: _django_pbkdf2("sha256"),
    HashFormat.DJANGO_PBKDF2_SHA1: _django_pbkdf2("sha1"),
    HashFormat.DJANGO_SCRYPT: _django_scrypt,
    HashFormat.DJANGO_ARGON2: lambda password_hash, password: verify_argon2(
        password_hash.removeprefix("argon2"), password
    ),
    HashFormat.DJANGO_BCRYPT_SHA256: _django_bcrypt_sha256,
    HashFormat.WERKZEUG_PBKDF2: _werkzeug_pbkdf2,
    HashFormat.WERKZEUG_SCRYPT: _werkzeug_scrypt,
    HashFormat.PASSLIB_PBKDF2_SHA256: _passlib_pbkdf2_sha256,
}


def verify_foreign(format_: HashFormat, password_hash: str, password: str) -> bool:
    """Whether `password` is the one `password_hash` (already recognised as `format_`) was made from."""
    return _VERIFIERS[format_](password_hash, password)
