"""The verifier's copy of tessera's browser rules, on the cases tessera passes too (browser_rules.py)."""

import pytest
from tessera_verifier.cookies import parse_cookie_header
from tessera_verifier.credentials import AccessCookie, presented
from tessera_verifier.csrf import csrf_proof_holds
from tessera_verifier.errors import CrossSiteRequestRefused, InvalidToken
from tessera_verifier.request_facts import RequestFacts

from tests.verifier.browser_rules import COOKIE_HEADERS, CSRF_CASES, OWN_ORIGIN, CsrfCase

pytestmark = pytest.mark.app


@pytest.mark.parametrize(("header", "cookies"), COOKIE_HEADERS)
def test_a_cookie_header_is_read_as_tessera_reads_it(header: str, cookies: dict[str, str]) -> None:
    assert parse_cookie_header(header) == cookies


def facts(method: str, headers: dict[str, str]) -> RequestFacts:
    scheme, host = OWN_ORIGIN
    environ = {f"HTTP_{name.upper().replace('-', '_')}": value for name, value in {"host": host, **headers}.items()}
    return RequestFacts.from_environ({**environ, "REQUEST_METHOD": method, "wsgi.url_scheme": scheme})


@pytest.mark.parametrize("case", CSRF_CASES, ids=lambda case: case.name)
def test_a_cookie_request_carries_the_proof_exactly_in_the_cases_tessera_accepts(case: CsrfCase) -> None:
    assert csrf_proof_holds(facts(case.method, case.headers), case.allowed_origins) is case.holds


@pytest.mark.parametrize("case", CSRF_CASES, ids=lambda case: case.name)
def test_an_asgi_request_is_read_as_a_wsgi_one(case: CsrfCase) -> None:
    scheme, host = OWN_ORIGIN
    headers = [(name.encode(), value.encode()) for name, value in {"host": host, **case.headers}.items()]
    scope = {"type": "http", "method": case.method, "scheme": scheme, "headers": headers}
    assert RequestFacts.from_scope(scope) == facts(case.method, case.headers)


def test_the_header_wins_over_the_cookie_and_a_cookie_is_read_only_where_accepted() -> None:
    both = facts("POST", {"authorization": "Bearer from-the-header", "cookie": "__Host-tessera-access=from-the-cookie"})
    assert presented(both, AccessCookie()).token == "from-the-header"
    cookie_only = facts("GET", {"cookie": "__Host-tessera-access=from-the-cookie"})
    assert presented(cookie_only, AccessCookie()).by_cookie
    with pytest.raises(InvalidToken) as missing:
        presented(cookie_only, None)
    assert missing.value.error == ""  # no credential at all: a bare challenge


def test_an_unsafe_cookie_request_without_the_proof_is_refused_before_its_token_is_read() -> None:
    oversized = {"cookie": "__Host-tessera-access=" + "x" * 5000}
    with pytest.raises(CrossSiteRequestRefused):
        presented(facts("POST", oversized), AccessCookie())
    with pytest.raises(InvalidToken) as refused:
        presented(
            facts("POST", {**oversized, "x-requested-with": "tessera", "origin": "https://auth.example.com"}),
            AccessCookie(),
        )
    assert type(refused.value) is InvalidToken and refused.value.error == "invalid_token"


def test_a_websocket_on_the_cookie_needs_an_accepted_origin_but_cannot_send_the_header() -> None:
    scheme, host = OWN_ORIGIN

    def handshake(origin: str) -> RequestFacts:
        headers = [(b"host", host.encode()), (b"origin", origin.encode())]
        return RequestFacts.from_scope({"type": "websocket", "scheme": "wss", "headers": headers})

    assert csrf_proof_holds(handshake(f"{scheme}://{host}"), frozenset())
    assert not csrf_proof_holds(handshake("https://evil.example"), frozenset())


@pytest.mark.parametrize("origin", ["*", "null", "https://shop.example.com/path", "shop.example.com"])
def test_a_configured_origin_must_be_an_origin(origin: str) -> None:
    with pytest.raises(ValueError, match="not an origin"):
        AccessCookie([origin])
