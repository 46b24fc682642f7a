"""Every hash format tessera imports verifies the password it was made from, and nothing else; and
the first login's `needs_rehash` moves it to tessera's argon2id."""

import base64
import hashlib

import pytest
from django.conf import settings
from werkzeug.security import generate_password_hash

from adapters.crypto.argon2_password_hasher import Argon2PasswordHasher
from domain.errors import PasswordHashOutOfBounds, UnknownPasswordHashFormat
from domain.imported_password_hashes import parse_password_hash
from domain.password_hashes import hash_format
from domain.users import NO_PASSWORD
from tests.support.argon2 import cheap_hasher
from tests.support.foreign_hashes import foreign_hashes

pytestmark = pytest.mark.anyio

PASSWORD = "correct horse battery ✓"
HASHES = foreign_hashes(PASSWORD)


@pytest.fixture(scope="module")
def hasher() -> Argon2PasswordHasher:
    return cheap_hasher()


@pytest.mark.parametrize("name", sorted(HASHES))
async def test_a_hash_made_by_the_real_library_verifies_its_password_only(
    hasher: Argon2PasswordHasher, name: str
) -> None:
    assert parse_password_hash(HASHES[name]) == HASHES[name]  # an import takes it, at its producer's defaults
    assert await hasher.verify(HASHES[name], PASSWORD)
    assert not await hasher.verify(HASHES[name], PASSWORD + "x")
    assert not await hasher.verify(HASHES[name], "")


def test_every_hasher_in_djangos_default_list_made_a_hash_tessera_imports() -> None:
    algorithms = {path.rsplit(".", 1)[-1] for path in settings.PASSWORD_HASHERS}
    assert algorithms == {
        "PBKDF2PasswordHasher",
        "PBKDF2SHA1PasswordHasher",
        "Argon2PasswordHasher",
        "BCryptSHA256PasswordHasher",
        "ScryptPasswordHasher",
    }
    made = {name for name in HASHES if name.startswith("django-")}
    assert made == {
        "django-pbkdf2_sha256",
        "django-pbkdf2_sha1",
        "django-argon2",
        "django-bcrypt_sha256",
        "django-scrypt",
    }


def test_nodes_bcryptjs_writes_both_prefixes_tessera_imports() -> None:
    assert HASHES["node-bcryptjs"].startswith("$2b$10$")
    assert HASHES["node-bcryptjs2"].startswith("$2a$10$")


@pytest.mark.parametrize("name", sorted(set(HASHES) - {"argon2id"}))
def test_a_foreign_hash_needs_rehashing_to_argon2id(hasher: Argon2PasswordHasher, name: str) -> None:
    assert hasher.needs_rehash(HASHES[name])


async def test_a_hash_with_one_character_changed_verifies_nothing(hasher: Argon2PasswordHasher) -> None:
    for password_hash in HASHES.values():
        changed = "b" if password_hash[-5] == "a" else "a"  # in every alphabet; the last ones may be padding bits
        assert not await hasher.verify(password_hash[:-5] + changed + password_hash[-4:], PASSWORD)


async def test_a_user_without_a_password_verifies_nothing(hasher: Argon2PasswordHasher) -> None:
    assert not await hasher.verify(NO_PASSWORD, "")
    assert not await hasher.verify(NO_PASSWORD, PASSWORD)


@pytest.mark.parametrize(
    ("password_hash", "named"),
    [
        ("md5$abc$def", "'md5$'"),
        ("sha1$salt$0123", "'sha1$'"),
        ("plaintext", "no algorithm prefix"),
        ("$1$saltsalt$hash", "'$1$'"),
        ("pbkdf2_sha256$x$salt$hash", "'pbkdf2_sha256$'"),
        ("$2x$04$" + "a" * 53, "'$2x$'"),
    ],
)
def test_a_hash_in_no_known_format_is_refused_naming_the_prefix_it_saw_and_never_the_hash(
    password_hash: str, named: str
) -> None:
    assert hash_format(password_hash) is None
    with pytest.raises(UnknownPasswordHashFormat, match="format") as refusal:
        parse_password_hash(password_hash)
    assert named in refusal.value.message
    assert password_hash not in refusal.value.message


async def test_a_passlib_hash_with_a_one_byte_checksum_is_refused_and_verifies_not_even_its_password(
    hasher: Argon2PasswordHasher,
) -> None:
    """Such a hash once compared one byte: one random password in 256 logged in."""
    checksum = hashlib.pbkdf2_hmac("sha256", PASSWORD.encode(), b"salt", 1000, dklen=1)
    ab64 = base64.b64encode(checksum).decode().rstrip("=").replace("+", ".")
    one_byte = f"$pbkdf2-sha256$1000${base64.b64encode(b'salt').decode().rstrip('=')}${ab64}"

    with pytest.raises(PasswordHashOutOfBounds, match="checksum bytes is 1, outside the 32 to 32"):
        parse_password_hash(one_byte)
    assert not await hasher.verify(one_byte, PASSWORD)  # stored before the bounds: still nothing verifies


async def test_a_hash_above_its_cost_bound_stored_before_the_bounds_verifies_nothing(
    hasher: Argon2PasswordHasher,
) -> None:
    costly = generate_password_hash(PASSWORD, "pbkdf2:sha256:2000001")

    with pytest.raises(PasswordHashOutOfBounds, match="iterations is 2,000,001"):
        parse_password_hash(costly)
    assert not await hasher.verify(costly, PASSWORD)
