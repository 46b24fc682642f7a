"""What an import accepts as a password hash: a known format, with every cost parameter and the
checksum length within what that format's real producers write.

A hash costs its verifier what its parameters say, and the first login attempt against an imported
user (anyone's, unauthenticated) pays it: a hash claiming a billion PBKDF2 iterations, bcrypt cost 31
or 4 GiB of argon2 memory would hold a hashing thread for minutes, or never finish. A short checksum
is worse: one stored byte long, one random password in 256 verifies. So each bound below is read from
the producers' own defaults (Django 5.2 and 6.0, Werkzeug 3.1, passlib 1.7, argon2-cffi, pyca bcrypt,
Node's bcrypt and bcryptjs, PHP 8.4): a cost ceiling at about twice the work of the costliest default,
so that a team that raised its cost once still imports while one verification stays under about half
a second of a core; a checksum exactly the length its producers write (argon2's tag: 16 to 64 bytes)."""

from dataclasses import dataclass

from domain.errors import PasswordHashOutOfBounds, UnknownPasswordHashFormat
from domain.password_hashes import HashFormat, hash_format, hash_parameters, hash_prefix


@dataclass(frozen=True, slots=True)
class Bound:
    field: str
    low: int
    high: int
    why: str

    def holds(self, parameters: dict[str, int]) -> bool:
        return self.low <= parameters[self.field] <= self.high


_PBKDF2 = Bound(
    "iterations", 1, 2_000_000, "Django 5.2 and Werkzeug 3.1 write 1,000,000, Django 6.0 1,200,000, passlib 29,000"
)
_BCRYPT = Bound("cost", 4, 13, "bcrypt's minimum is 4; Django, pyca bcrypt and PHP write 12, Node's bcrypt(js) 10")
_ARGON2 = (
    Bound("m", 8, 204_800, "KiB; Django writes 102,400, argon2-cffi, PHP and Node's argon2 65,536"),
    Bound("t", 1, 8, "Django writes 2, argon2-cffi and Node's argon2 3, PHP 4"),
    Bound("p", 1, 16, "Django writes 8, argon2-cffi and Node's argon2 4, PHP 1"),
    Bound("m × t", 1, 524_288, "twice PHP's 65,536 KiB × 4, the costliest default"),
    Bound("checksum_bytes", 16, 64, "passlib writes 16, argon2-cffi, Django, PHP and Node's argon2 32"),
)
_SCRYPT = (
    Bound("n", 2, 65_536, "Django writes 16,384, Werkzeug 32,768"),
    Bound("r", 1, 16, "Django and Werkzeug write 8"),
    Bound("p", 1, 10, "Django writes 5, Werkzeug 1"),
    Bound("n × r", 2, 524_288, "128 × n × r bytes of memory: twice Werkzeug's 32 MiB"),
    Bound("n × r × p", 2, 1_310_720, "the work: twice Django's 16,384 × 8 × 5"),
    Bound("checksum_bytes", 64, 64, "Django and Werkzeug write 64 bytes"),
)


def _exactly(length: int, who: str) -> Bound:
    return Bound("checksum_bytes", length, length, f"{who} writes {length} bytes")


_BOUNDS: dict[HashFormat, tuple[Bound, ...]] = {
    HashFormat.ARGON2: _ARGON2,
    HashFormat.DJANGO_ARGON2: _ARGON2,
    HashFormat.BCRYPT: (_BCRYPT,),
    HashFormat.DJANGO_BCRYPT_SHA256: (_BCRYPT,),
    HashFormat.DJANGO_PBKDF2_SHA256: (_PBKDF2, _exactly(32, "Django's pbkdf2_sha256")),
    HashFormat.DJANGO_PBKDF2_SHA1: (_PBKDF2, _exactly(20, "Django's pbkdf2_sha1")),
    HashFormat.PASSLIB_PBKDF2_SHA256: (_PBKDF2, _exactly(32, "passlib's pbkdf2_sha256")),
    HashFormat.WERKZEUG_PBKDF2: (_PBKDF2,),  # and the digest's own length: see `_derived`
    HashFormat.DJANGO_SCRYPT: _SCRYPT,
    HashFormat.WERKZEUG_SCRYPT: _SCRYPT,
}


def bound_broken(format_: HashFormat, parameters: dict[str, int]) -> str | None:
    """Why the parameters are outside the format's bounds (the field, its value and the bound), or None."""
    derived = _derived(parameters)
    bounds = _BOUNDS[format_]
    if "digest_bytes" in parameters:  # Werkzeug's PBKDF2 stores the whole digest of its hash function
        bounds = (*bounds, _exactly(parameters["digest_bytes"], "Werkzeug's pbkdf2 with this digest"))
    for bound in bounds:
        if not bound.holds(derived):
            value = derived[bound.field]
            return (
                f"The password hash's {bound.field.replace('_', ' ')} is {value:,}, outside the "
                f"{bound.low:,} to {bound.high:,} tessera accepts for this format ({bound.why})."
            )
    if "n" in parameters and parameters["n"] & (parameters["n"] - 1):
        return f"The password hash's n is {parameters['n']:,}, not a power of two as scrypt requires."
    return None


def _derived(parameters: dict[str, int]) -> dict[str, int]:
    derived = dict(parameters)
    if "m" in parameters:
        derived["m × t"] = parameters["m"] * parameters["t"]
    if "n" in parameters:
        derived["n × r"] = parameters["n"] * parameters["r"]
        derived["n × r × p"] = parameters["n"] * parameters["r"] * parameters["p"]
    return derived


def within_bounds(password_hash: str) -> bool:
    """Whether the hash is in a known format and within its bounds: what `parse_password_hash` accepts."""
    format_ = hash_format(password_hash)
    return format_ is not None and bound_broken(format_, hash_parameters(format_, password_hash)) is None


def parse_password_hash(password_hash: str) -> str:
    """The hash as given, if an import accepts it; otherwise `UnknownPasswordHashFormat`, naming the
    prefix it saw (never the hash), or `PasswordHashOutOfBounds`, naming the field and its bound."""
    format_ = hash_format(password_hash)
    if format_ is None:
        prefix = hash_prefix(password_hash)
        seen = f"it starts with {prefix!r}" if prefix else "it has no algorithm prefix such as 'pbkdf2_sha256$'"
        raise UnknownPasswordHashFormat(f"{UnknownPasswordHashFormat.message.removesuffix('.')}: {seen}.")
    broken = bound_broken(format_, hash_parameters(format_, password_hash))
    if broken is not None:
        raise PasswordHashOutOfBounds(broken)
    return password_hash
