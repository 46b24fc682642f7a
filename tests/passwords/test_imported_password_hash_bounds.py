"""An import takes a hash only with the costs and the checksum length its format's producers write:
past them, the line is refused naming the field and the bound."""

import pytest

from domain.errors import PasswordHashOutOfBounds
from domain.imported_password_hashes import parse_password_hash, within_bounds

B64_32 = "A" * 43 + "="  # 32 bytes, as Django's pbkdf2_sha256 writes them
BCRYPT_TAIL = "C" * 53
PHC_SALT, PHC_32 = "c2FsdHNhbHRzYWx0c2FsdA", "A" * 43
HEX_64 = "ab" * 64


@pytest.mark.parametrize(
    ("password_hash", "field", "bound"),
    [
        (f"pbkdf2_sha256$30000000$salt${B64_32}", "iterations is 30,000,000", "1 to 2,000,000"),
        (f"pbkdf2_sha256$999999999$salt${B64_32}", "iterations is 999,999,999", "1 to 2,000,000"),
        (f"pbkdf2_sha256$1000000$salt${'A' * 40}", "checksum bytes is 30", "32 to 32"),
        (f"pbkdf2_sha1$1000000$salt${B64_32}", "checksum bytes is 32", "20 to 20"),
        (f"$2b$31${BCRYPT_TAIL}", "cost is 31", "4 to 13"),
        (f"$2a$99${BCRYPT_TAIL}", "cost is 99", "4 to 13"),
        (f"$2y$03${BCRYPT_TAIL}", "cost is 3", "4 to 13"),
        (f"bcrypt_sha256$$2b$14${BCRYPT_TAIL}", "cost is 14", "4 to 13"),
        (f"$argon2id$v=19$m=4194304,t=3,p=4${PHC_SALT}${PHC_32}", "m is 4,194,304", "8 to 204,800"),
        (f"argon2$argon2id$v=19$m=102400,t=9,p=8${PHC_SALT}${PHC_32}", "t is 9", "1 to 8"),
        (f"$argon2id$v=19$m=65536,t=3,p=64${PHC_SALT}${PHC_32}", "p is 64", "1 to 16"),
        (f"$argon2id$v=19$m=204800,t=8,p=4${PHC_SALT}${PHC_32}", "m × t is 1,638,400", "1 to 524,288"),
        (f"$argon2id$v=19$m=65536,t=3,p=4${PHC_SALT}$AAAAAA", "checksum bytes is 4", "16 to 64"),
        (f"scrypt:16777216:8:1$salt${HEX_64}", "n is 16,777,216", "2 to 65,536"),
        (f"scrypt$16384$salt$8$50${'A' * 86}==", "p is 50", "1 to 10"),
        (f"scrypt$65536$salt$16$1${'A' * 86}==", "n × r is 1,048,576", "2 to 524,288"),
        (f"scrypt$65536$salt$8$5${'A' * 86}==", "n × r × p is 2,621,440", "2 to 1,310,720"),
        (f"scrypt:32768:8:1$salt${'ab' * 32}", "checksum bytes is 32", "64 to 64"),
        (f"pbkdf2:sha256:1000000$salt${'ab' * 20}", "checksum bytes is 20", "32 to 32"),
        ("$pbkdf2-sha256$29000$c2FsdA$AA", "checksum bytes is 1", "32 to 32"),
    ],
)
def test_a_hash_past_a_bound_is_refused_naming_the_field_and_the_bound(
    password_hash: str, field: str, bound: str
) -> None:
    with pytest.raises(PasswordHashOutOfBounds) as refusal:
        parse_password_hash(password_hash)
    assert field in refusal.value.message and bound in refusal.value.message
    assert not within_bounds(password_hash)


def test_a_scrypt_cost_that_is_no_power_of_two_is_refused() -> None:
    with pytest.raises(PasswordHashOutOfBounds, match="n is 16,385, not a power of two"):
        parse_password_hash(f"scrypt:16385:8:1$salt${HEX_64}")


@pytest.mark.parametrize(
    "password_hash",
    [
        f"pbkdf2_sha256$2000000$salt${B64_32}",
        f"pbkdf2_sha256$1$salt${B64_32}",
        f"$2b$13${BCRYPT_TAIL}",
        f"$2b$04${BCRYPT_TAIL}",
        f"$argon2id$v=19$m=204800,t=2,p=16${PHC_SALT}${PHC_32}",
        f"$argon2id$v=19$m=65536,t=8,p=1${PHC_SALT}${PHC_32}",
        f"$argon2i$v=19$m=512,t=2,p=2${PHC_SALT}${'A' * 22}",  # passlib's 16-byte tag
        f"scrypt$65536$salt$8$2${'A' * 86}==",
        f"scrypt:65536:8:1$salt${HEX_64}",
        f"pbkdf2:sha512:1000000$salt${'ab' * 64}",
        f"pbkdf2:sha1:1000000$salt${'ab' * 20}",
    ],
)
def test_a_hash_at_its_bounds_is_taken(password_hash: str) -> None:
    assert parse_password_hash(password_hash) == password_hash
