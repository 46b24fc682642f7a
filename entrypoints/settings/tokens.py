"""The tokens tessera issues: who issues them, for whom, how long each lives, and which custom claims
they may carry. The defaults are the domain's (`TokenPolicy`), stated there once."""

from dataclasses import dataclass
from datetime import timedelta

from domain.custom_claims import AllowedClaimNames
from domain.policy import TokenPolicy
from entrypoints.settings.declared import declared, seconds, text

_TOKENS = TokenPolicy(issuer="http://localhost:8000", audience="tessera")
_DAYS_10_YEARS = 10 * 365 * 24 * 3600


@dataclass(frozen=True)
class TokenSettings:
    issuer: str = text("ISSUER", _TOKENS.issuer)
    audience: str = text("AUDIENCE", _TOKENS.audience)
    access_ttl: timedelta = seconds("ACCESS_TTL_SECONDS", _TOKENS.access_ttl, low=2, high=24 * 3600)
    refresh_ttl: timedelta = seconds("REFRESH_TTL_SECONDS", _TOKENS.refresh_ttl, low=60, high=365 * 24 * 3600)
    leeway: timedelta = seconds("LEEWAY_SECONDS", _TOKENS.leeway, low=0, high=60)
    refresh_grace: timedelta = seconds("REFRESH_GRACE_SECONDS", _TOKENS.refresh_grace, low=0, high=60)
    session_max_age: timedelta = seconds(
        "SESSION_MAX_AGE_SECONDS", _TOKENS.session_max_age, low=60, high=_DAYS_10_YEARS
    )
    short_session_max_age: timedelta = seconds(
        "SESSION_SHORT_MAX_AGE_SECONDS", _TOKENS.short_session_max_age, low=60, high=_DAYS_10_YEARS
    )
    """The absolute lifetime of a session opened with `remember: false`."""
    custom_claim_names: tuple[str, ...] = declared(
        "CUSTOM_CLAIM_NAMES", (), lambda env, _: env.claim_names("CUSTOM_CLAIM_NAMES")
    )
    """Set (a,b): only these custom claims may be set on users, and issued."""

    def token_policy(self) -> TokenPolicy:
        return TokenPolicy(
            issuer=self.issuer,
            audience=self.audience,
            access_ttl=self.access_ttl,
            refresh_ttl=self.refresh_ttl,
            leeway=self.leeway,
            refresh_grace=self.refresh_grace,
            session_max_age=self.session_max_age,
            short_session_max_age=self.short_session_max_age,
            custom_claim_names=AllowedClaimNames(
                frozenset(self.custom_claim_names) if self.custom_claim_names else None
            ),
        )
