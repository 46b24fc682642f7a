"""Web origins as browsers serialise them in `Origin`: configured origins and request origins compare equal
only in this one form."""

from urllib.parse import urlsplit

_DEFAULT_PORTS = {"http": 80, "https": 443}


def parse_origin(text: str) -> str | None:
    """`scheme://host[:port]` as a browser serialises an origin (lower case, default port left out),
    or None unless `text` is exactly an http(s) origin: no user, path, query or fragment."""
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
