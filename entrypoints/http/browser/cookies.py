"""The session cookies of the cookie transport: what is set at login and refresh, cleared at logout,
and what the OpenAPI schema says of both.

The access token goes in `__Host-tessera-access` (Secure, Path=/, no Domain: no sibling host can set
or shadow it). The refresh token goes in `__Secure-tessera-refresh`, set once per path that needs it,
so that the browser sends it to refresh and logout only. Both are HttpOnly: scripts never see a token.
SameSite is the configured one (TESSERA_COOKIE_SAMESITE, strict by default), documented as configured.
"""

from dataclasses import replace

from litestar.datastructures import Cookie

from application.results import TokenPair
from entrypoints.settings.environment import SameSite

ACCESS_COOKIE = "__Host-tessera-access"
REFRESH_COOKIE = "__Secure-tessera-refresh"
REFRESH_COOKIE_PATHS = ("/auth/refresh", "/auth/logout")
_SLOTS = (
    (ACCESS_COOKIE, "/", "access token"),
    *((REFRESH_COOKIE, path, "refresh token") for path in REFRESH_COOKIE_PATHS),
)
"""Name, path and token of each session cookie, the access cookie first."""


def _cookie(key: str, path: str, same_site: SameSite, value: str | None = None, max_age: int | None = None) -> Cookie:
    return Cookie(
        key=key, value=value, path=path, max_age=max_age, secure=True, httponly=True, samesite=same_site, domain=None
    )


def session_cookies(pair: TokenPair, same_site: SameSite) -> list[Cookie]:
    """Each cookie lives exactly as long as its token (whose expiry never passes the session's absolute
    end); a session opened with `remember: false` gets browser-session cookies, without Max-Age."""
    access_age, refresh_age = (pair.expires_in, pair.refresh_expires_in) if pair.remember else (None, None)
    return [
        _cookie(ACCESS_COOKIE, "/", same_site, pair.access_token, access_age),
        *(_cookie(REFRESH_COOKIE, path, same_site, pair.refresh_token, refresh_age) for path in REFRESH_COOKIE_PATHS),
    ]


def cleared_session_cookies(same_site: SameSite) -> list[Cookie]:
    """All three slots, expired. They keep Secure (and `__Host-` keeps Path=/): browsers ignore a
    prefixed cookie that lacks them, deletions included."""
    return [_cookie(key, path, same_site, "", 0) for key, path, _ in _SLOTS]


def documented_session_cookies(same_site: SameSite) -> list[Cookie]:
    """What `session_cookies` sets, for the OpenAPI schema: the same attributes, the configured SameSite."""
    return [
        replace(
            _cookie(key, path, same_site),
            documentation_only=True,
            description=f"Cookie transport only: the {token}; Max-Age is its lifetime (none: a browser-session "
            "cookie, for a session opened with remember: false); SameSite as configured "
            "(TESSERA_COOKIE_SAMESITE, strict by default).",
        )
        for key, path, token in _SLOTS
    ]


def documented_cleared_cookies(same_site: SameSite) -> list[Cookie]:
    """What `cleared_session_cookies` sets, for the OpenAPI schema."""
    return [
        replace(
            cookie,
            value=None,
            documentation_only=True,
            description="Expired (Max-Age=0): every logout clears the session cookies, whatever the transport.",
        )
        for cookie in cleared_session_cookies(same_site)
    ]
