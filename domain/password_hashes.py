"""The password hash formats tessera accepts from another system, told apart by their prefixes alone.

Recognising a format here checks its shape only; verifying a password against it is an adapter's
work (`PasswordHasher.verify`), and the first successful login replaces it with tessera's argon2id."""

import re
from enum import StrEnum

from domain.errors import UnknownPasswordHashFormat

MAX_HASH_LENGTH = 512


class HashFormat(StrEnum):
    ARGON2 = "argon2"
    """PHC `$argon2id$…` or `$argon2i$…`: tessera's own, and argon2-cffi's, passlib's, Django's."""
    BCRYPT = "bcrypt"
    """`$2a$`, `$2b$`, `$2y$`: bcrypt's modular crypt format."""
    DJANGO_PBKDF2_SHA256 = "django_pbkdf2_sha256"
    DJANGO_ARGON2 = "django_argon2"
    DJANGO_BCRYPT_SHA256 = "django_bcrypt_sha256"
    WERKZEUG_PBKDF2 = "werkzeug_pbkdf2"
    WERKZEUG_SCRYPT = "werkzeug_scrypt"
    PASSLIB_PBKDF2_SHA256 = "passlib_pbkdf2_sha256"


_B64 = r"[A-Za-z0-9+/]+={0,2}"
_AB64 = r"[A-Za-z0-9./]+"
_ARGON2_PHC = r"\$argon2(?:id|i)\$v=\d+\$m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+"
_BCRYPT = r"\$2[aby]\$\d{2}\$[./A-Za-z0-9]{53}"
_SHAPES = {
    HashFormat.ARGON2: re.compile(_ARGON2_PHC),
    HashFormat.BCRYPT: re.compile(_BCRYPT),
    HashFormat.DJANGO_PBKDF2_SHA256: re.compile(rf"pbkdf2_sha256\$[1-9]\d{{0,8}}\$[^$]+\${_B64}"),
    HashFormat.DJANGO_ARGON2: re.compile(rf"argon2{_ARGON2_PHC}"),
    HashFormat.DJANGO_BCRYPT_SHA256: re.compile(rf"bcrypt_sha256\${_BCRYPT}"),
    HashFormat.WERKZEUG_PBKDF2: re.compile(r"pbkdf2:sha(?:256|512|1):[1-9]\d{0,8}\$[^$]+\$[0-9a-f]+"),
    HashFormat.WERKZEUG_SCRYPT: re.compile(r"scrypt:[1-9]\d{0,9}:[1-9]\d{0,2}:[1-9]\d{0,2}\$[^$]+\$[0-9a-f]+"),
    HashFormat.PASSLIB_PBKDF2_SHA256: re.compile(rf"\$pbkdf2-sha256\$[1-9]\d{{0,8}}\${_AB64}\${_AB64}"),
}


def hash_format(password_hash: str) -> HashFormat | None:
    """The format whose shape the hash has, or None."""
    if len(password_hash) > MAX_HASH_LENGTH:
        return None
    return next((name for name, shape in _SHAPES.items() if shape.fullmatch(password_hash)), None)


def parse_password_hash(password_hash: str) -> str:
    """The hash as given, if it is in a known format; `UnknownPasswordHashFormat` otherwise."""
    if hash_format(password_hash) is None:
        raise UnknownPasswordHashFormat
    return password_hash
