import pytest

from domain.errors import InvalidDisplayName, InvalidEmail, InvalidPassword
from domain.users import Email, check_password, parse_display_name


def _address_of_length(total: int) -> str:
    """A well-formed address of exactly `total` characters: a 64-character local part, labels of at most 63."""
    last_label = total - len("a" * 64 + "@" + "b" * 63 + "." + "c" * 63 + "." + ".com")
    address = "a" * 64 + "@" + "b" * 63 + "." + "c" * 63 + "." + "d" * last_label + ".com"
    assert len(address) == total
    return address


def test_an_email_is_stored_in_lower_case():
    assert Email.parse("Ada.Lovelace@Example.COM").value == "ada.lovelace@example.com"


def test_blanks_around_an_email_are_removed():
    assert Email.parse("  ada@example.com\t\n").value == "ada@example.com"


def test_two_spellings_of_one_address_are_the_same_email():
    assert Email.parse(" ADA@example.com") == Email.parse("ada@EXAMPLE.com ")


@pytest.mark.parametrize(
    "address",
    ["first.last+tag@mail.example.org", "o'brien@example.ie", "x@a-b.co", "user_1@sub.example.museum"],
)
def test_ordinary_addresses_are_accepted(address):
    assert Email.parse(address).value == address


@pytest.mark.parametrize(
    "address",
    [
        pytest.param("ada.example.com", id="no-at"),
        pytest.param("ada@home@example.com", id="two-ats"),
        pytest.param("@example.com", id="empty-local-part"),
        pytest.param("ada@", id="empty-domain"),
        pytest.param("ada@localhost", id="no-dot-in-domain"),
        pytest.param("ada@example.123", id="numeric-tld"),
        pytest.param("ada@10.0.0.1", id="ip-address"),
        pytest.param("ada lovelace@example.com", id="space-in-local-part"),
        pytest.param("ada@exa mple.com", id="space-in-domain"),
        pytest.param(".ada@example.com", id="leading-dot"),
        pytest.param("ada.@example.com", id="trailing-dot-in-local-part"),
        pytest.param("ada..lovelace@example.com", id="double-dot-in-local-part"),
        pytest.param("ada@example..com", id="double-dot-in-domain"),
        pytest.param("ada@.example.com", id="leading-dot-in-domain"),
        pytest.param("ada@example.com.", id="trailing-dot-in-domain"),
        pytest.param("ada@-example.com", id="label-starting-with-hyphen"),
        pytest.param('"ada"@example.com', id="quoted-local-part"),
        pytest.param("", id="empty"),
        pytest.param("   ", id="only-blanks"),
    ],
)
def test_malformed_addresses_are_refused(address):
    with pytest.raises(InvalidEmail):
        Email.parse(address)


def test_an_address_of_254_characters_is_accepted():
    address = _address_of_length(254)
    assert Email.parse(address).value == address


def test_an_address_longer_than_254_characters_is_refused():
    with pytest.raises(InvalidEmail):
        Email.parse(_address_of_length(255))


def test_a_local_part_of_64_characters_is_accepted():
    assert Email.parse("a" * 64 + "@example.com").value == "a" * 64 + "@example.com"


def test_a_local_part_longer_than_64_characters_is_refused():
    with pytest.raises(InvalidEmail):
        Email.parse("a" * 65 + "@example.com")


def test_a_non_ascii_letter_in_the_domain_is_refused():
    with pytest.raises(InvalidEmail):
        Email.parse("ada@\u212aey.example")


@pytest.mark.parametrize("length", [8, 9, 1023, 1024])
def test_passwords_from_8_to_1024_characters_are_accepted(length):
    check_password("p" * length)


@pytest.mark.parametrize("length", [0, 7, 1025])
def test_passwords_shorter_than_8_or_longer_than_1024_characters_are_refused(length):
    with pytest.raises(InvalidPassword):
        check_password("p" * length)


def test_a_password_is_measured_in_characters_not_bytes():
    check_password("é" * 8)  # 16 bytes in UTF-8, 8 characters
    with pytest.raises(InvalidPassword):
        check_password("é" * 7)


def test_no_display_name_stays_absent():
    assert parse_display_name(None) is None


def test_blanks_around_a_display_name_are_removed():
    assert parse_display_name("  Ada Lovelace \t") == "Ada Lovelace"


def test_a_display_name_of_100_characters_is_accepted():
    assert parse_display_name("n" * 100) == "n" * 100


def test_a_display_name_is_measured_after_removing_blanks():
    assert parse_display_name("  " + "n" * 100 + "  ") == "n" * 100


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param("", id="empty"),
        pytest.param("   ", id="only-blanks"),
        pytest.param("n" * 101, id="101-characters"),
        pytest.param("Ada\nLovelace", id="newline-inside"),
        pytest.param("Ada\x00", id="nul"),
        pytest.param("Ada\u200bLovelace", id="zero-width-space"),
    ],
)
def test_empty_overlong_or_unprintable_display_names_are_refused(raw):
    with pytest.raises(InvalidDisplayName):
        parse_display_name(raw)
