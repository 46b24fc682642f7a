"""Cross-site request forgery: the rule for every unsafe request that uses or sets the session cookies.

Two checks, both required. The custom header `X-Requested-With: tessera` cannot be sent across
origins without a CORS preflight, which tessera answers only for the configured origins. The
origin of the request (`Origin`, or else the origin of `Referer`) must be tessera's own or a
configured one; a request that names no origin at all is refused. Bearer requests need neither:
a cross-site page cannot make a browser attach an `Authorization` header.
"""

from urllib.parse import urlsplit

from litestar.connection import ASGIConnection

from entrypoints.environment import parse_origin
from entrypoints.http.browser import browser_policy
from entrypoints.http.problems import CrossSiteRequestRefused

CSRF_HEADER = "x-requested-with"
CSRF_HEADER_VALUE = "tessera"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def require_same_origin(connection: ASGIConnection) -> None:  # type: ignore[type-arg]
    """Refuses the request unless it carries the custom header and comes from an accepted origin."""
    if connection.headers.get(CSRF_HEADER) != CSRF_HEADER_VALUE:
        raise CrossSiteRequestRefused
    origin = _claimed_origin(connection)
    if origin is None or (
        origin != _own_origin(connection) and origin not in browser_policy(connection).allowed_origins
    ):
        raise CrossSiteRequestRefused


def require_same_origin_if_unsafe(connection: ASGIConnection) -> None:  # type: ignore[type-arg]
    if connection.scope.get("method", "GET") not in SAFE_METHODS:
        require_same_origin(connection)


def _claimed_origin(connection: ASGIConnection) -> str | None:  # type: ignore[type-arg]
    origin = connection.headers.get("origin")
    if origin is not None:
        return parse_origin(origin)
    referer = connection.headers.get("referer")
    if referer is None:
        return None
    parts = urlsplit(referer)
    return parse_origin(f"{parts.scheme}://{parts.netloc}") if parts.scheme and parts.netloc else None


def _own_origin(connection: ASGIConnection) -> str | None:  # type: ignore[type-arg]
    """The scheme the request came in on and the host it was sent to, as the browser named it."""
    host = connection.headers.get("host")
    return None if not host else parse_origin(f"{connection.scope['scheme']}://{host}")
