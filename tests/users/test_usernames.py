"""Usernames: Django's default characters, compared case-insensitively after one normalisation; and the
setting that says which names a login accepts."""

import pytest

from domain.errors import InvalidUsername
from domain.login_identifiers import IdentifierKind, LoginIdentifiers, UnknownIdentifierKind
from domain.users import Username


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("ada", "ada"),
        ("Ada.Lovelace", "ada.lovelace"),
        ("  ADA_1+x@y-z ", "ada_1+x@y-z"),
        ("\u212aelvin", "kelvin"),  # the Kelvin sign folds into a K, then into k
        ("Ｆｕｌｌ", "full"),  # fullwidth letters are their ASCII selves
        ("Straße", "strasse"),
        ("Ünal", "ünal"),
        ("x" * 150, "x" * 150),
    ],
)
def test_a_username_is_stored_normalised_so_that_case_and_compatibility_forms_are_one_name(
    raw: str, stored: str
) -> None:
    assert Username.parse(raw).value == stored
    assert Username.parse(raw) == Username.parse(stored)


@pytest.mark.parametrize("raw", ["", "   ", "ada lovelace", "ada/1", "a:b", "x" * 151, "ada\u0000", "emoji😀"])
def test_a_username_outside_djangos_characters_or_length_is_refused(raw: str) -> None:
    with pytest.raises(InvalidUsername):
        Username.parse(raw)


def test_logins_accept_email_only_unless_told_and_an_identifier_tries_an_email_first() -> None:
    default = LoginIdentifiers()
    both = LoginIdentifiers.parse(" Username , email ")
    assert str(default) == "email" and str(both) == "email,username"
    assert default.tried_for(IdentifierKind.USERNAME) == ()
    assert default.tried_for(None) == (IdentifierKind.EMAIL,)
    assert both.tried_for(None) == (IdentifierKind.EMAIL, IdentifierKind.USERNAME)
    assert LoginIdentifiers.parse("username").tried_for(IdentifierKind.EMAIL) == ()


@pytest.mark.parametrize("text", ["", " , ", "email,login", "phone"])
def test_a_login_identifiers_setting_naming_nothing_or_something_unknown_is_refused(text: str) -> None:
    with pytest.raises(UnknownIdentifierKind):
        LoginIdentifiers.parse(text)
