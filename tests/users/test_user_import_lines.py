"""One line of a users import: checked by the same rules as everywhere else, the hash by its format."""

import json
import uuid
from datetime import UTC, datetime

import pytest

from domain.errors import DomainError
from domain.password_hashes import HashFormat, hash_format
from domain.user_import import parse_import_line
from domain.users import NO_PASSWORD
from tests.support.builders import a_user

NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
ID = uuid.UUID("0b7e1f7e-3f51-4c8a-9d0e-6c1b2a3d4e5f")
BCRYPT = "$2b$12$" + "C" * 53


def _line(**fields: object) -> str:
    return json.dumps({"id": str(ID), "email": "Ada@Example.com", **fields})


def test_a_full_line_becomes_the_user_with_its_own_id() -> None:
    text = _line(
        display_name="Ada",
        roles=["admin", "support", "admin"],
        created_at="2019-05-01T12:00:00+02:00",
        disabled=True,
        claims={"tenant": "acme"},
        password_hash=BCRYPT,
    )
    user = parse_import_line(text, NOW).user
    assert (user.id, user.email.value, user.display_name, user.roles) == (
        ID,
        "ada@example.com",
        "Ada",
        ("admin", "support"),
    )
    assert user.created_at == datetime(2019, 5, 1, 10, 0, tzinfo=UTC)
    assert (user.disabled_at, user.password_hash, user.claims.encoded) == (NOW, BCRYPT, '{"tenant":"acme"}')


def test_a_minimal_line_has_no_password_and_is_created_now() -> None:
    imported = parse_import_line(_line(), NOW)
    assert (imported.user.password_hash, imported.user.created_at, imported.user.roles) == (NO_PASSWORD, NOW, ())
    assert imported.given == {"id", "email"}
    assert parse_import_line(_line(created_at="2020-01-01T00:00:00"), NOW).user.created_at.tzinfo == UTC


@pytest.mark.parametrize(
    "text",
    [
        "not json",
        "[1, 2]",
        json.dumps({"email": "ada@example.com"}),
        json.dumps({"id": "42", "email": "ada@example.com"}),
        _line(email="nobody"),
        _line(password="plain text"),
        _line(password_hash="md5$x$y"),
        _line(roles="admin"),
        _line(roles=["Admin"]),
        _line(disabled="yes"),
        _line(created_at="yesterday"),
        _line(claims={"iss": "me"}),
        _line(display_name=7),
        _line(legacy_id=""),
        _line(legacy_id="x" * 256),
        _line(legacy_id="a\u0000b"),
        _line(legacy_id=True),
        _line(legacy_id=4.5),
        _line(legacy_id=["42"]),
    ],
)
def test_a_line_that_is_no_valid_user_is_refused(text: str) -> None:
    with pytest.raises(DomainError):
        parse_import_line(text, NOW)


def test_as_an_update_a_field_left_out_keeps_its_stored_value() -> None:
    stored = a_user()
    imported = parse_import_line(
        json.dumps({"id": str(stored.id), "email": "ada@example.com", "display_name": "A"}), NOW
    )
    updated = imported.as_update_of(stored)
    assert (updated.display_name, updated.password_hash, updated.created_at) == (
        "A",
        stored.password_hash,
        stored.created_at,
    )
    assert updated.roles == stored.roles and updated.claims == stored.claims


@pytest.mark.parametrize(
    ("password_hash", "expected"),
    [
        ("$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo", HashFormat.ARGON2),
        ("$2y$10$" + "C" * 53, HashFormat.BCRYPT),
        ("pbkdf2_sha256$870000$salt$aGFzaA==", HashFormat.DJANGO_PBKDF2_SHA256),
        ("pbkdf2_sha1$1000000$salt$aGFzaA==", HashFormat.DJANGO_PBKDF2_SHA1),
        ("scrypt$16384$salt$8$5$aGFzaA==", HashFormat.DJANGO_SCRYPT),
        ("pbkdf2:sha256:600000$salt$0123abcd", HashFormat.WERKZEUG_PBKDF2),
        ("scrypt:32768:8:1$salt$0123abcd", HashFormat.WERKZEUG_SCRYPT),
        ("$pbkdf2-sha256$29000$c2FsdA$aGFzaA", HashFormat.PASSLIB_PBKDF2_SHA256),
        ("$pbkdf2-sha256$29000$c2FsdA$" + "a" * 600, None),
    ],
)
def test_hash_formats_are_told_apart_by_their_shape(password_hash: str, expected: HashFormat | None) -> None:
    assert hash_format(password_hash) is expected


@pytest.mark.parametrize(
    ("given", "stored"),
    [("42", "42"), (42, "42"), (" Ada-7 ", " Ada-7 "), ("x" * 255, "x" * 255), (None, None)],
)
def test_a_legacy_id_is_kept_exactly_as_text_and_an_integer_one_as_its_digits(given: object, stored: object) -> None:
    imported = parse_import_line(_line(legacy_id=given), NOW)
    assert imported.user.legacy_id == stored
    assert ("legacy_id" in imported.given) is (given is not None)


def test_as_an_update_a_line_without_legacy_id_keeps_the_stored_one() -> None:
    from dataclasses import replace

    stored = replace(a_user(), legacy_id="42")
    line = json.dumps({"id": str(stored.id), "email": "ada@example.com"})
    assert parse_import_line(line, NOW).as_update_of(stored).legacy_id == "42"
    line = json.dumps({"id": str(stored.id), "email": "ada@example.com", "legacy_id": "43"})
    assert parse_import_line(line, NOW).as_update_of(stored).legacy_id == "43"


@pytest.mark.parametrize("depth", [990, 100_000])
def test_a_line_nested_deeper_than_the_decoder_allows_is_refused_with_a_clear_reason(depth: int) -> None:
    text = _line(claims={"tenant": "acme"}).replace('"acme"', "[" * depth + "]" * depth)
    with pytest.raises(DomainError, match="nested too deeply"):
        parse_import_line(text, NOW)
