"""The `Cookie` request header, read as browsers send it (RFC 6265 §5.4): `name=value` pairs joined by `;`."""

import re
from collections.abc import Mapping
from functools import lru_cache
from urllib.parse import unquote

_ESCAPE = re.compile(r"\\(?:([0-3][0-7][0-7])|(.))")
"""A backslash escape inside a quoted value: three octal digits, or any one character."""


@lru_cache(1024)
def parse_cookie_header(header: str) -> Mapping[str, str]:
    """Each cookie's name and value, surrounding whitespace trimmed; a pair without `=` or without
    a name is skipped. A value is decoded as Litestar decodes `request.cookies`: a double-quoted
    value loses its quotes and backslash escapes, then percent-escapes are decoded.

    The first of a repeated name wins. Browsers send the cookie with the longer path first, and of
    equal paths the older (RFC 6265 §5.4 step 2): a cookie planted later, for a parent domain or
    the same path, cannot displace the one tessera set. (Litestar's own parser keeps the last.)

    Cached, as Litestar's parser is: a browser sends the same header on every request."""
    cookies: dict[str, str] = {}
    for pair in header.split(";"):
        name, equals, value = pair.partition("=")
        name = name.strip()
        if equals and name and name not in cookies:
            cookies[name] = unquote(_unquoted(value.strip()))
    return cookies


def _unquoted(value: str) -> str:
    if len(value) < 2 or value[0] != '"' or value[-1] != '"':
        return value
    return _ESCAPE.sub(lambda escape: chr(int(escape[1], 8)) if escape[1] else escape[2], value[1:-1])
