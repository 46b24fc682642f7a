"""The session cookies of the cookie transport: what is set at login and refresh, and cleared at logout.

The access token goes in `__Host-tessera-access` (Secure, Path=/, no Domain: no sibling host can set
or shadow it). The refresh token goes in `__Secure-tessera-refresh`, set once per path that needs it,
so that the browser sends it to refresh and logout only. Both are HttpOnly: scripts never see a token.
"""

from litestar.datastructures import Cookie

from application.results import TokenPair
from entrypoints.environment import SameSite

ACCESS_COOKIE = "__Host-tessera-access"
REFRESH_COOKIE = "__Secure-tessera-refresh"
REFRESH_COOKIE_PATHS = ("/auth/refresh", "/auth/logout")
MAX_COOKIE_TOKEN_LENGTH = 4096
"""A longer cookie value is refused before any parsing or cryptography."""


def _cookie(key: str, value: str, path: str, max_age: int, same_site: SameSite) -> Cookie:
    return Cookie(
        key=key, value=value, path=path, max_age=max_age, secure=True, httponly=True, samesite=same_site, domain=None
    )


def session_cookies(pair: TokenPair, same_site: SameSite) -> list[Cookie]:
    """Each cookie lives exactly as long as its token."""
    return [
        _cookie(ACCESS_COOKIE, pair.access_token, "/", pair.expires_in, same_site),
        *(
            _cookie(REFRESH_COOKIE, pair.refresh_token, path, pair.refresh_expires_in, same_site)
            for path in REFRESH_COOKIE_PATHS
        ),
    ]


def cleared_session_cookies(same_site: SameSite) -> list[Cookie]:
    """All three slots, expired. They keep Secure (and `__Host-` keeps Path=/): browsers ignore a
    prefixed cookie that lacks them, deletions included."""
    return [
        _cookie(ACCESS_COOKIE, "", "/", 0, same_site),
        *(_cookie(REFRESH_COOKIE, "", path, 0, same_site) for path in REFRESH_COOKIE_PATHS),
    ]
