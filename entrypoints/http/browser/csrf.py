"""Cross-site request forgery: the rule for every unsafe request that uses or sets the session cookies.

Two checks, both required. The custom header `X-Requested-With: tessera` cannot be sent across
origins without a CORS preflight, which tessera answers only for the configured origins. The
origin of the request (`Origin`, or else the origin of `Referer`) must be tessera's own or a
configured one; a request that names no origin at all is refused. Bearer requests need neither:
a cross-site page cannot make a browser attach an `Authorization` header.
"""

from urllib.parse import urlsplit

from litestar.connection import ASGIConnection

from entrypoints.http.bodies.shared import Transport
from entrypoints.http.middleware.request_container import browser_policy
from entrypoints.http.problems.errors import CrossSiteRequestRefused
from entrypoints.settings.origins import parse_origin

CSRF_HEADER = "x-requested-with"
CSRF_HEADER_VALUE = "tessera"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def require_csrf_proof(
    connection: ASGIConnection,  # type: ignore[type-arg]
    *,
    cookie_credential: bool = False,
    answer: Transport | None = None,
) -> None:
    """When the rule applies, decided here only: an unsafe request (not GET, HEAD or OPTIONS) whose
    credential is a cookie (the access cookie; the refresh cookie, to refresh or to sign out by it
    alone; the legacy session cookie of the exchange), or that asks to be answered in the session
    cookies (`transport: cookie`). A request that stands on its `Authorization` header or on a token
    in its body, answered in the body, is never subject to it."""
    if (cookie_credential or answer == "cookie") and connection.scope.get("method", "GET") not in SAFE_METHODS:
        _require_same_origin(connection)


def _require_same_origin(connection: ASGIConnection) -> None:  # type: ignore[type-arg]
    """Refuses the request unless it carries the custom header and comes from an accepted origin."""
    if connection.headers.get(CSRF_HEADER) != CSRF_HEADER_VALUE:
        raise CrossSiteRequestRefused
    origin = _claimed_origin(connection)
    if origin is None or (
        origin != _own_origin(connection) and origin not in browser_policy(connection).allowed_origins
    ):
        raise CrossSiteRequestRefused


def _claimed_origin(connection: ASGIConnection) -> str | None:  # type: ignore[type-arg]
    origin = connection.headers.get("origin")
    if origin is not None:
        return parse_origin(origin)
    referer = connection.headers.get("referer")
    if referer is None:
        return None
    try:
        parts = urlsplit(referer)
    except ValueError:  # e.g. an unclosed IPv6 bracket: no origin can be read from it, so none is claimed
        return None
    return parse_origin(f"{parts.scheme}://{parts.netloc}") if parts.scheme and parts.netloc else None


def _own_origin(connection: ASGIConnection) -> str | None:  # type: ignore[type-arg]
    """The scheme the request came in on and the host it was sent to, as the browser named it."""
    host = connection.headers.get("host")
    return None if not host else parse_origin(f"{connection.scope['scheme']}://{host}")
