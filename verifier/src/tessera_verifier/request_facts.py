"""The few facts of a request that authentication looks at, read alike from a WSGI environ (Django's
`request.META` is one) and an ASGI scope."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class RequestFacts:
    """The first `Authorization` and `Cookie` headers, the CSRF proof's headers, and where the request was sent
    (`scheme`, `host`: the service's own origin, as the browser named it)."""

    method: str
    scheme: str
    host: str | None
    authorization: str | None
    cookie_header: str | None
    requested_with: str | None
    origin: str | None
    referer: str | None

    @classmethod
    def from_environ(cls, environ: Mapping[str, Any], *, scheme: str | None = None) -> "RequestFacts":
        """`scheme`: the one the framework settled on (Django's `request.scheme` honours
        `SECURE_PROXY_SSL_HEADER`); `wsgi.url_scheme` otherwise."""
        scheme = scheme or str(environ.get("wsgi.url_scheme", "http"))
        return cls(
            method=str(environ.get("REQUEST_METHOD", "GET")).upper(),
            scheme=scheme,
            host=environ.get("HTTP_HOST") or _server_host(environ, scheme),
            authorization=environ.get("HTTP_AUTHORIZATION"),
            cookie_header=environ.get("HTTP_COOKIE"),
            requested_with=environ.get("HTTP_X_REQUESTED_WITH"),
            origin=environ.get("HTTP_ORIGIN"),
            referer=environ.get("HTTP_REFERER"),
        )

    @classmethod
    def from_scope(cls, scope: Mapping[str, Any]) -> "RequestFacts":
        """A websocket handshake is given the method `WEBSOCKET` (see csrf.py)."""
        headers: dict[bytes, str] = {}
        for name, value in scope.get("headers", ()):
            headers.setdefault(bytes(name).lower(), bytes(value).decode("latin-1"))
        websocket = scope["type"] == "websocket"
        return cls(
            method="WEBSOCKET" if websocket else str(scope.get("method", "GET")).upper(),
            scheme={"ws": "http", "wss": "https"}.get(scope.get("scheme", ""), scope.get("scheme", "http")),
            host=headers.get(b"host"),
            authorization=headers.get(b"authorization"),
            cookie_header=headers.get(b"cookie"),
            requested_with=headers.get(b"x-requested-with"),
            origin=headers.get(b"origin"),
            referer=headers.get(b"referer"),
        )


def _server_host(environ: Mapping[str, Any], scheme: str) -> str | None:
    """Without a `Host` header (HTTP/1.0), the server's name and port, as PEP 3333 rebuilds a URL."""
    name, port = environ.get("SERVER_NAME"), str(environ.get("SERVER_PORT", ""))
    if not name:
        return None
    return name if port in ("", {"http": "80", "https": "443"}.get(scheme)) else f"{name}:{port}"
