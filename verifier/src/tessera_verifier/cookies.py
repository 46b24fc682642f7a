"""tessera's access cookie as a downstream service receives it: its name, and the `Cookie` header read the
way tessera reads it (entrypoints/http/browser/cookie_header.py; tests/verifier/browser_rules.py holds the
cases both pass)."""

import re
from collections.abc import Mapping
from functools import lru_cache
from urllib.parse import unquote

ACCESS_COOKIE = "__Host-tessera-access"
"""Set by tessera at login and refresh with the cookie transport: Secure, HttpOnly, Path=/, no Domain. The
`__Host-` prefix makes the browser keep it for tessera's own host alone, so it reaches a service only on that
host: behind the same origin (a reverse proxy routing by path) or on another port of it."""
MAX_COOKIE_TOKEN_LENGTH = 4096
"""A longer cookie value is refused before any parsing or cryptography, as at tessera."""
_ESCAPE = re.compile(r"\\(?:([0-3][0-7][0-7])|(.))")


@lru_cache(1024)
def parse_cookie_header(header: str) -> Mapping[str, str]:
    """Each cookie's name and value, trimmed; a pair without `=` or a name is skipped; a double-quoted value
    loses its quotes and backslash escapes, then percent-escapes are decoded. The first of a repeated name
    wins: browsers send the cookie of the longer path first, and of equal paths the older (RFC 6265 §5.4),
    so a cookie planted later for a parent domain cannot displace the one tessera set."""
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
