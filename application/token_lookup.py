"""Which session a token presented by a trusted client belongs to, whichever kind of token it is.

Shared by introspection and revocation: both take an access token or a refresh token, with an
optional `token_type_hint` that only orders the search (RFC 7009 §2.1, RFC 7662 §2.1).
"""

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from application.ports.token_verifier import TokenVerifier
from application.ports.unit_of_work import UnitOfWork
from domain.claims import AccessClaims
from domain.errors import InvalidAccessToken
from domain.policy import TokenPolicy
from domain.sessions import RefreshToken, hash_refresh_token

ACCESS_TOKEN = "access_token"
REFRESH_TOKEN = "refresh_token"
"""The two `token_type`s, and the two `token_type_hint`s of RFC 7009 §2.1."""


@dataclass(frozen=True, slots=True)
class TokenQuery:
    """A token presented by an authenticated trusted client, with the client's optional hint."""

    token: str
    token_type_hint: str | None
    client_id: str
    client_address: str | None = None


@dataclass(frozen=True, slots=True)
class PresentedToken:
    """A token found to be ours: an access token whose signature and claims hold, or a stored refresh token."""

    session_id: UUID
    access: AccessClaims | None = None
    refresh: RefreshToken | None = None


class TokenLookup:
    def __init__(self, verifier: TokenVerifier, policy: TokenPolicy) -> None:
        self._verifier = verifier
        self._policy = policy

    async def find(self, uow: UnitOfWork, token: str, hint: str | None, now: datetime) -> PresentedToken | None:
        """Tried as an access token first (no I/O) unless the hint says refresh token; then as the other.
        An unknown or wrong hint changes only the order, never the answer."""
        if hint == REFRESH_TOKEN:
            return await self._as_refresh_token(uow, token) or self._as_access_token(token, now)
        return self._as_access_token(token, now) or await self._as_refresh_token(uow, token)

    def _as_access_token(self, token: str, now: datetime) -> PresentedToken | None:
        try:
            claims, validity = self._verifier.verified_claims(token, self._policy)
        except InvalidAccessToken:
            return None
        if not validity.holds_at(now.timestamp(), self._policy.leeway.total_seconds()):
            return None
        return PresentedToken(session_id=claims.sid, access=claims)

    @staticmethod
    async def _as_refresh_token(uow: UnitOfWork, token: str) -> PresentedToken | None:
        record = await uow.sessions.find_refresh_token(hash_refresh_token(token))
        return None if record is None else PresentedToken(session_id=record.session_id, refresh=record)
