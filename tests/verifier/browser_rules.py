"""The browser rules tessera and tessera-verifier must apply alike, as cases both replay: reading the `Cookie`
header, and the CSRF proof a request on the access cookie needs. Neither program may import the other (the
verifier stands alone; tessera does not ship it), so these cases are what keeps the two copies equal:
tests/browser/test_csrf_rule.py and tests/browser/test_cookie_header.py run them against tessera,
tests/verifier/test_browser_rules.py against the verifier."""

from dataclasses import dataclass, field

COOKIE_HEADERS: list[tuple[str, dict[str, str]]] = [
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
    ("novalue", {}),
    ("=nameless", {}),
    (" = nameless too", {}),
    ("novalue; a=1", {"a": "1"}),
    ("=x; a=1", {"a": "1"}),
    ("token=mine; other=1; token=planted", {"token": "mine", "other": "1"}),  # the first wins, as browsers order
]
"""A `Cookie` header and the cookies read from it."""

OWN_ORIGIN = ("https", "auth.example.com")
"""The scheme and `Host` of every case's request: its own origin is https://auth.example.com."""
PROOF = {"x-requested-with": "tessera", "origin": "https://auth.example.com"}


@dataclass(frozen=True)
class CsrfCase:
    """A request whose credential is the access cookie: does it carry the CSRF proof?"""

    name: str
    method: str
    headers: dict[str, str]
    holds: bool
    allowed_origins: frozenset[str] = field(default_factory=frozenset)


def _with(**headers: str | None) -> dict[str, str]:
    merged: dict[str, str | None] = {**PROOF, **{name.replace("_", "-"): value for name, value in headers.items()}}
    return {name: value for name, value in merged.items() if value is not None}


CSRF_CASES = [
    CsrfCase("the header and the own origin", "POST", PROOF, holds=True),
    *(CsrfCase(f"a safe {method} needs nothing", method, {}, holds=True) for method in ("GET", "HEAD", "OPTIONS")),
    *(
        CsrfCase(f"an unsafe {method} without anything", method, {}, holds=False)
        for method in ("POST", "PUT", "PATCH", "DELETE")
    ),
    CsrfCase("no custom header", "POST", _with(x_requested_with=None), holds=False),
    CsrfCase("the custom header with another value", "POST", _with(x_requested_with="XMLHttpRequest"), holds=False),
    CsrfCase("another site", "POST", _with(origin="https://evil.example"), holds=False),
    CsrfCase("an http:// downgrade of the own origin", "POST", _with(origin="http://auth.example.com"), holds=False),
    CsrfCase("another port of the own host", "POST", _with(origin="https://auth.example.com:8443"), holds=False),
    CsrfCase("the opaque origin null", "POST", _with(origin="null"), holds=False),
    CsrfCase("an origin with a path is no origin", "POST", _with(origin="https://auth.example.com/"), holds=False),
    CsrfCase(
        "the own origin spelled in capitals with its port",
        "POST",
        _with(origin="https://AUTH.example.com:443"),
        holds=True,
    ),
    CsrfCase("neither Origin nor Referer", "POST", _with(origin=None), holds=False),
    CsrfCase(
        "no Origin, a Referer of the own origin",
        "POST",
        _with(origin=None, referer="https://auth.example.com/orders?x=1"),
        holds=True,
    ),
    CsrfCase(
        "no Origin, a Referer of another site",
        "POST",
        _with(origin=None, referer="https://evil.example/auth.example.com"),
        holds=False,
    ),
    CsrfCase("no Origin, a Referer that is not a URL", "POST", _with(origin=None, referer="http://[::1"), holds=False),
    CsrfCase(
        "Origin wins over Referer",
        "POST",
        _with(origin="https://evil.example", referer="https://auth.example.com/"),
        holds=False,
    ),
    CsrfCase(
        "a configured origin",
        "POST",
        _with(origin="https://shop.example.com"),
        holds=True,
        allowed_origins=frozenset({"https://shop.example.com"}),
    ),
    CsrfCase(
        "a configured origin needs the header too",
        "POST",
        _with(origin="https://shop.example.com", x_requested_with=None),
        holds=False,
        allowed_origins=frozenset({"https://shop.example.com"}),
    ),
]
