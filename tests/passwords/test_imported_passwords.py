"""Whose hash is newer: the last import's, or one tessera wrote since (domain.imported_passwords)."""

import json
from dataclasses import replace

import pytest

from domain.imported_passwords import changed_at_tessera, hash_digest
from domain.user_import import parse_import_line
from domain.users import NO_PASSWORD
from tests.support.builders import T0, a_user

BCRYPT, OTHER_BCRYPT = "$2b$12$" + "C" * 53, "$2b$12$" + "D" * 53
TESSERAS = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA"


def test_a_hash_still_the_one_imported_is_not_changed_at_tessera_and_a_rewritten_one_is() -> None:
    imported = replace(a_user(), password_hash=BCRYPT, imported_hash_digest=hash_digest(BCRYPT))
    assert not changed_at_tessera(imported)
    assert changed_at_tessera(replace(imported, password_hash=TESSERAS))
    assert changed_at_tessera(replace(imported, password_hash=OTHER_BCRYPT)), "any other hash is tessera's"


@pytest.mark.parametrize(
    ("password_hash", "changed"), [(TESSERAS, True), (BCRYPT, False), (NO_PASSWORD, False), ("$argon2i$v=19$x", False)]
)
def test_without_an_import_on_record_only_an_argon2id_hash_counts_as_tesseras(
    password_hash: str, changed: bool
) -> None:
    assert changed_at_tessera(replace(a_user(), password_hash=password_hash)) is changed


def test_a_line_gives_way_to_tesseras_hash_unless_forced_and_keeps_its_own_digest_when_taken() -> None:
    stored = replace(a_user(), password_hash=TESSERAS, imported_hash_digest=hash_digest(BCRYPT))
    line = parse_import_line(
        json.dumps({"id": str(stored.id), "email": "ada@example.com", "password_hash": BCRYPT}), T0
    )
    assert line.user.imported_hash_digest == hash_digest(BCRYPT)

    assert line.keeps_password_of(stored)
    kept = line.as_update_of(stored)
    assert (kept.password_hash, kept.imported_hash_digest) == (TESSERAS, hash_digest(BCRYPT))
    forced = line.as_update_of(stored, force_passwords=True)
    assert (forced.password_hash, forced.imported_hash_digest) == (BCRYPT, hash_digest(BCRYPT))
    without = parse_import_line(json.dumps({"id": str(stored.id), "email": "ada@example.com"}), T0)
    assert not without.keeps_password_of(stored) and without.as_update_of(stored).password_hash == TESSERAS
