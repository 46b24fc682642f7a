"""Every hash format tessera imports verifies the password it was made from, and nothing else; and
the first login's `needs_rehash` moves it to tessera's argon2id."""

import pytest

from adapters.crypto.argon2_password_hasher import Argon2PasswordHasher
from domain.password_hashes import hash_format, parse_password_hash
from domain.users import NO_PASSWORD
from tests.support.foreign_hashes import foreign_hashes

pytestmark = pytest.mark.anyio

PASSWORD = "correct horse battery ✓"
HASHES = foreign_hashes(PASSWORD)


@pytest.fixture(scope="module")
def hasher() -> Argon2PasswordHasher:
    return Argon2PasswordHasher(time_cost=1, memory_cost_kib=8)


@pytest.mark.parametrize("name", sorted(HASHES))
async def test_a_hash_made_by_the_real_library_verifies_its_password_only(
    hasher: Argon2PasswordHasher, name: str
) -> None:
    assert hash_format(HASHES[name]) is not None
    assert await hasher.verify(HASHES[name], PASSWORD)
    assert not await hasher.verify(HASHES[name], PASSWORD + "x")
    assert not await hasher.verify(HASHES[name], "")


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
    "password_hash",
    [
        "md5$abc$def",
        "sha1$salt$0123",
        "plaintext",
        "$1$saltsalt$hash",
        "pbkdf2_sha256$x$salt$hash",
        "$2x$04$" + "a" * 53,
    ],
)
def test_a_hash_in_no_known_format_is_refused(password_hash: str) -> None:
    assert hash_format(password_hash) is None
    with pytest.raises(Exception, match="format"):
        parse_password_hash(password_hash)
