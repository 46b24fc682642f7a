"""The password hash formats tessera accepts from another system, told apart by their prefixes alone.

Recognising a format (`hash_format`) checks its shape only, and reads its cost parameters and the
length of its checksum (`hash_parameters`); an import accepts a hash only if those are within what the
format's real producers write (`domain.imported_password_hashes`). Verifying a password against it is an
adapter's work (`PasswordHasher.verify`), and the first successful login replaces it with argon2id."""

import re
from collections.abc import Callable
from enum import StrEnum

from domain.errors import UnknownPasswordHashFormat

MAX_HASH_LENGTH = 512


class HashFormat(StrEnum):
    ARGON2 = "argon2"
    """PHC `$argon2id$…` or `$argon2i$…`: tessera's own, and argon2-cffi's, passlib's, Node's argon2's."""
    BCRYPT = "bcrypt"
    """`$2a$`, `$2b$`, `$2y$`: bcrypt's modular crypt format (pyca bcrypt, Node's bcrypt and bcryptjs, PHP)."""
    DJANGO_PBKDF2_SHA256 = "django_pbkdf2_sha256"
    DJANGO_PBKDF2_SHA1 = "django_pbkdf2_sha1"
    DJANGO_ARGON2 = "django_argon2"
    DJANGO_BCRYPT_SHA256 = "django_bcrypt_sha256"
    DJANGO_SCRYPT = "django_scrypt"
    WERKZEUG_PBKDF2 = "werkzeug_pbkdf2"
    WERKZEUG_SCRYPT = "werkzeug_scrypt"
    PASSLIB_PBKDF2_SHA256 = "passlib_pbkdf2_sha256"


_INT = r"[1-9]\d{0,9}"
_B64 = r"[A-Za-z0-9+/]+={0,2}"
_AB64 = r"[A-Za-z0-9./]+"
_ARGON2_PHC = (
    rf"\$argon2(?:id|i)\$v=\d+\$m=(?P<m>{_INT}),t=(?P<t>{_INT}),p=(?P<p>{_INT})"
    r"\$[A-Za-z0-9+/]+\$(?P<phc>[A-Za-z0-9+/]+)"
)
_BCRYPT = r"\$2[aby]\$(?P<cost>\d{2})\$[./A-Za-z0-9]{53}"
_SHAPES = {
    HashFormat.ARGON2: re.compile(_ARGON2_PHC),
    HashFormat.BCRYPT: re.compile(_BCRYPT),
    HashFormat.DJANGO_PBKDF2_SHA256: re.compile(rf"pbkdf2_sha256\$(?P<iterations>{_INT})\$[^$]+\$(?P<b64>{_B64})"),
    HashFormat.DJANGO_PBKDF2_SHA1: re.compile(rf"pbkdf2_sha1\$(?P<iterations>{_INT})\$[^$]+\$(?P<b64>{_B64})"),
    HashFormat.DJANGO_ARGON2: re.compile(rf"argon2{_ARGON2_PHC}"),
    HashFormat.DJANGO_BCRYPT_SHA256: re.compile(rf"bcrypt_sha256\${_BCRYPT}"),
    HashFormat.DJANGO_SCRYPT: re.compile(
        rf"scrypt\$(?P<n>{_INT})\$[^$]+\$(?P<r>{_INT})\$(?P<p>{_INT})\$(?P<b64>{_B64})"
    ),
    HashFormat.WERKZEUG_PBKDF2: re.compile(
        rf"pbkdf2:(?P<digest>sha256|sha512|sha1):(?P<iterations>{_INT})\$[^$]+\$(?P<hex>[0-9a-f]+)"
    ),
    HashFormat.WERKZEUG_SCRYPT: re.compile(
        rf"scrypt:(?P<n>{_INT}):(?P<r>{_INT}):(?P<p>{_INT})\$[^$]+\$(?P<hex>[0-9a-f]+)"
    ),
    HashFormat.PASSLIB_PBKDF2_SHA256: re.compile(
        rf"\$pbkdf2-sha256\$(?P<iterations>{_INT})\${_AB64}\$(?P<ab64>{_AB64})"
    ),
}
_CHECKSUM_BYTES: dict[str, Callable[[str], int]] = {
    "b64": lambda text: len(text) * 3 // 4 - text.count("="),
    "phc": lambda text: len(text) * 6 // 8,  # unpadded base64
    "ab64": lambda text: len(text) * 6 // 8,
    "hex": lambda text: len(text) // 2,
}
_PREFIX = re.compile(r"\$?[A-Za-z0-9_:-]{1,32}\$")


def hash_format(password_hash: str) -> HashFormat | None:
    """The format whose shape the hash has, or None."""
    if len(password_hash) > MAX_HASH_LENGTH:
        return None
    return next((name for name, shape in _SHAPES.items() if shape.fullmatch(password_hash)), None)


def hash_parameters(format_: HashFormat, password_hash: str) -> dict[str, int]:
    """The hash's cost parameters by name (`iterations`, `cost`, `m`, `t`, `p`, `n`, `r`), and
    `checksum_bytes`, the length of the digest it stores (none for bcrypt, whose shape fixes it)."""
    match = _SHAPES[format_].fullmatch(password_hash)
    if match is None:
        raise UnknownPasswordHashFormat
    parameters: dict[str, int] = {}
    for name, value in match.groupdict().items():
        if name in _CHECKSUM_BYTES:
            parameters["checksum_bytes"] = _CHECKSUM_BYTES[name](value)
        elif name == "digest":
            parameters["digest_bytes"] = {"sha1": 20, "sha256": 32, "sha512": 64}[value]
        else:
            parameters[name] = int(value)
    return parameters


def hash_prefix(password_hash: str) -> str | None:
    """The part of a hash that names its algorithm (`md5$`, `$1$`, `pbkdf2:sha256:1000$`): at most 34
    characters of letters, digits, `_:-` up to a `$`, for messages that must never repeat the hash. A
    plaintext password slipped into the file has no such part unless it holds a `$`; then the
    message shows what comes before it (to the operator who holds the file anyway)."""
    match = _PREFIX.match(password_hash)
    return match.group() if match else None
