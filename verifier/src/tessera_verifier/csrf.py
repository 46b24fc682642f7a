"""Cross-site request forgery: tessera's rule for a request whose credential is its access cookie, applied
downstream unchanged (entrypoints/http/browser/csrf.py at tessera; tests/verifier/browser_rules.py holds the cases
both must pass, since neither program may import the other).

An unsafe request (not GET, HEAD or OPTIONS) must carry `X-Requested-With: tessera`, which no page of another
origin can send without a CORS preflight, **and** name an origin (`Origin`, else the origin of `Referer`)
equal to the service's own or a configured one. A request that names no origin is refused. A bearer request
needs neither: no page can make a browser attach an `Authorization` header. A websocket handshake cannot carry
the header, so for it the origin alone decides (a page of another origin could otherwise open one on the
cookie)."""

from collections.abc import Iterable
from urllib.parse import urlsplit

from tessera_verifier.request_facts import RequestFacts

CSRF_HEADER = "X-Requested-With"
CSRF_HEADER_VALUE = "tessera"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
WEBSOCKET = "WEBSOCKET"
"""The method a websocket handshake is given here."""
_DEFAULT_PORTS = {"http": 80, "https": 443}


def csrf_proof_holds(request: RequestFacts, allowed_origins: frozenset[str]) -> bool:
    """True when the request may use the cookie: a safe method, or the custom header and an accepted origin."""
    if request.method in SAFE_METHODS:
        return True
    if request.method != WEBSOCKET and request.requested_with != CSRF_HEADER_VALUE:
        return False
    origin = claimed_origin(request.origin, request.referer)
    if origin is None:
        return False
    own = parse_origin(f"{request.scheme}://{request.host}") if request.host else None
    return origin == own or origin in allowed_origins


def allowed(origins: Iterable[str]) -> frozenset[str]:
    """Configured origins in the one form browsers send; anything else (`*`, `null`, a path) is a ValueError."""
    parsed = set()
    for origin in origins:
        normal = parse_origin(origin)
        if normal is None:
            raise ValueError(f"not an origin (scheme://host[:port], nothing more): {origin!r}")
        parsed.add(normal)
    return frozenset(parsed)


def claimed_origin(origin: str | None, referer: str | None) -> str | None:
    """`Origin`, else the origin of `Referer`; a `Referer` that does not parse claims none."""
    if origin is not None:
        return parse_origin(origin)
    if referer is None:
        return None
    try:
        parts = urlsplit(referer)
    except ValueError:
        return None
    return parse_origin(f"{parts.scheme}://{parts.netloc}") if parts.scheme and parts.netloc else None


def parse_origin(text: str) -> str | None:
    """`scheme://host[:port]` as a browser serialises an origin (lower case, default port left out), or None
    unless `text` is exactly an http(s) origin: no user, path, query or fragment."""
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return None
    host = parts.hostname or ""
    if (
        parts.scheme.lower() not in _DEFAULT_PORTS
        or not host
        or parts.username is not None
        or parts.path
        or parts.query
        or parts.fragment
        or "?" in text
        or "#" in text
        or not all(char.isalnum() or char in ".-:" for char in host)
        or not host.isascii()
        or port == 0
    ):
        return None
    scheme = parts.scheme.lower()
    host = f"[{host}]" if ":" in host else host
    return f"{scheme}://{host}" if port in (None, _DEFAULT_PORTS[scheme]) else f"{scheme}://{host}:{port}"
