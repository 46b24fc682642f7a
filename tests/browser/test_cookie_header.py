"""Reading the `Cookie` request header: the cases tessera-verifier replays too (tests/verifier/browser_rules.py)."""

import pytest

from entrypoints.http.browser.cookie_header import parse_cookie_header
from tests.verifier.browser_rules import COOKIE_HEADERS


@pytest.mark.parametrize(("header", "cookies"), COOKIE_HEADERS)
def test_a_cookie_header_is_read_as_browsers_send_it_and_as_the_verifier_reads_it(
    header: str, cookies: dict[str, str]
) -> None:
    assert parse_cookie_header(header) == cookies


def test_the_first_of_a_repeated_name_wins_as_browsers_send_the_longer_path_and_older_cookie_first() -> None:
    assert parse_cookie_header("token=mine; other=1; token=planted") == {"token": "mine", "other": "1"}
