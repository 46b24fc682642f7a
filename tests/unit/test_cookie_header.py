"""Reading the `Cookie` request header: the cases Litestar's parser handled, and a repeated name."""

import pytest

from entrypoints.http.cookie_header import parse_cookie_header


@pytest.mark.parametrize(
    ("header", "cookies"),
    [
        ("a=1", {"a": "1"}),
        ("a=1; b=2", {"a": "1", "b": "2"}),
        ("a=1;b=2", {"a": "1", "b": "2"}),
        ("  a  =  1  ;  b = 2 ", {"a": "1", "b": "2"}),
        ("a=", {"a": ""}),
        ("a=x=y==", {"a": "x=y=="}),
        ('a="quoted value"', {"a": "quoted value"}),
        (r'a="\"escaped\" \\ \073"', {"a": '"escaped" \\ ;'}),
        ('a="', {"a": '"'}),
        ('a="unterminated', {"a": '"unterminated'}),
        ("a=%3Bsemicolon%20and%20space", {"a": ";semicolon and space"}),
        ('a="%41"', {"a": "A"}),
        ("a=1; ; b=2;", {"a": "1", "b": "2"}),
        ("", {}),
    ],
)
def test_a_cookie_header_is_read_as_litestar_read_it(header: str, cookies: dict[str, str]) -> None:
    assert parse_cookie_header(header) == cookies


@pytest.mark.parametrize("header", ["novalue", "=nameless", " = nameless too", "novalue; a=1", "=x; a=1"])
def test_a_pair_without_a_name_or_an_equals_sign_is_skipped(header: str) -> None:
    assert "" not in parse_cookie_header(header)
    assert parse_cookie_header(header) == ({"a": "1"} if "a=1" in header else {})


def test_the_first_of_a_repeated_name_wins_as_browsers_send_the_longer_path_and_older_cookie_first() -> None:
    assert parse_cookie_header("token=mine; other=1; token=planted") == {"token": "mine", "other": "1"}
