"""What the HTTP edge allows browsers: the SameSite of the session cookies, and the other origins
that may call tessera with them (for the CSRF origin check and for CORS)."""

from dataclasses import dataclass

from litestar.config.cors import CORSConfig
from litestar.connection import ASGIConnection

from entrypoints.settings.config import Settings
from entrypoints.settings.environment import SameSite

CORS_HEADERS = ["Authorization", "Content-Type", "X-Requested-With"]
BROWSER_POLICY = "tessera_browser_policy"
"""Where the request state holds the container's policy (see `RequestContainerMiddleware`)."""


@dataclass(frozen=True, slots=True)
class BrowserPolicy:
    same_site: SameSite = "strict"
    allowed_origins: frozenset[str] = frozenset()

    @classmethod
    def from_settings(cls, settings: Settings) -> "BrowserPolicy":
        return cls(same_site=settings.cookie_same_site, allowed_origins=frozenset(settings.allowed_origins))

    def cors(self) -> CORSConfig | None:
        """CORS for exactly the configured origins, with credentials; with none, no CORS header at all."""
        if not self.allowed_origins:
            return None
        return CORSConfig(
            allow_origins=sorted(self.allowed_origins),
            allow_methods=["GET", "POST", "DELETE"],
            allow_headers=CORS_HEADERS,
            allow_credentials=True,
        )


def browser_policy(connection: ASGIConnection) -> BrowserPolicy:  # type: ignore[type-arg]
    policy: BrowserPolicy = connection.scope["state"][BROWSER_POLICY]
    return policy
