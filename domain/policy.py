"""The lifetimes and identities that every token is issued and judged by."""

from dataclasses import dataclass
from datetime import timedelta

from domain.custom_claims import ANY_CLAIM_NAME, AllowedClaimNames


@dataclass(frozen=True, slots=True)
class TokenPolicy:
    issuer: str
    audience: str
    access_ttl: timedelta = timedelta(minutes=15)
    refresh_ttl: timedelta = timedelta(days=14)
    leeway: timedelta = timedelta(seconds=30)
    refresh_grace: timedelta = timedelta(seconds=10)
    """How long after a rotation the same refresh token may repeat it (a lost response, a second tab)."""
    session_max_age: timedelta = timedelta(days=30)
    """A session's absolute lifetime from its login: beyond it no refresh succeeds, however often rotated."""
    short_session_max_age: timedelta = timedelta(hours=12)
    """The absolute lifetime of a session opened with `remember: false` (a shared or borrowed computer)."""
    custom_claim_names: AllowedClaimNames = ANY_CLAIM_NAME
    """Which of a user's custom claims may be set and issued."""

    def session_lifetime(self, remember: bool) -> timedelta:
        return self.session_max_age if remember else self.short_session_max_age

    @property
    def revocation_window(self) -> timedelta:
        """How long a revocation must be remembered: the longest an access token it kills can live."""
        return self.access_ttl + self.leeway
