"""What the HTTP edge allows browsers: the SameSite of the session cookies, and the other origins
that may call tessera with them (for the CSRF origin check and for CORS)."""

from dataclasses import dataclass

from entrypoints.settings.declared import declared
from entrypoints.settings.environment import SameSite


@dataclass(frozen=True)
class BrowserSettings:
    cookie_same_site: SameSite = declared(
        "COOKIE_SAMESITE", "strict", lambda env, d: env.same_site("COOKIE_SAMESITE", d)
    )
    allowed_origins: tuple[str, ...] = declared("ALLOWED_ORIGINS", (), lambda env, _: env.origins("ALLOWED_ORIGINS"))


@dataclass(frozen=True, slots=True)
class BrowserPolicy:
    same_site: SameSite = "strict"
    allowed_origins: frozenset[str] = frozenset()

    @classmethod
    def from_settings(cls, settings: BrowserSettings) -> "BrowserPolicy":
        return cls(same_site=settings.cookie_same_site, allowed_origins=frozenset(settings.allowed_origins))
