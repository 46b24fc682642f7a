from datetime import datetime

from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork
from application.results import INACTIVE, Introspection
from application.token_lookup import ACCESS_TOKEN, REFRESH_TOKEN, PresentedToken, TokenLookup, TokenQuery
from domain.events import EventKind, SecurityEvent
from domain.users import User


class IntrospectToken:
    """RFC 7662: whether a token is active now, judged AUTHORITATIVELY from storage.

    An access token is active if its signature and claims hold (the same verifier and rules as the
    protected-request path) and its session is live in storage now, not merely in this replica's
    revocation view, nor past its absolute end (whatever the leeway). A refresh token is active if it is
    stored, unspent (a spent one is inactive
    even within the rotation grace: the grace repeats a lost answer, it is not a second life),
    unexpired, and its session is live. Introspection only reads: a spent refresh token shown
    here does not count as reuse.
    """

    def __init__(self, uow: UnitOfWork, lookup: TokenLookup, clock: Clock) -> None:
        self._uow = uow
        self._lookup = lookup
        self._clock = clock

    async def execute(self, query: TokenQuery) -> Introspection:
        now = self._clock.now()
        async with self._uow as uow:
            found = await self._lookup.find(uow, query.token, query.token_type_hint, now)
            user = None if found is None else await self._live_owner(uow, found, now)
            answer = INACTIVE if found is None or user is None else self._active(found, user)
            # Only read: no commit, and `TOKEN_INTROSPECTED` is audited as the block ends.
            uow.record(
                SecurityEvent(
                    EventKind.TOKEN_INTROSPECTED,
                    answer.user_id,
                    answer.session_id,
                    query.client_address,
                    detail=f"client={query.client_id} active={str(answer.active).lower()}",
                )
            )
        return answer

    @staticmethod
    async def _live_owner(uow: UnitOfWork, found: PresentedToken, now: datetime) -> User | None:
        """The one place that decides whether the token's session and user are live: the session is
        stored and not revoked, belongs to the token's subject, and (refresh tokens) the token is
        unspent and unexpired; and its user exists and is not disabled."""
        session = await uow.sessions.get(found.session_id)
        # An ended session's access tokens have expired (their `exp` is capped at its end), but a
        # verifier's leeway would still take them for a few seconds: introspection, which reads storage, does not.
        if session is None or session.is_revoked or session.has_ended(now):
            return None
        if found.access is not None and found.access.sub != session.user_id:
            return None
        if found.refresh is not None and not found.refresh.is_live(now):
            return None
        user = await uow.users.get(session.user_id)
        return None if user is None or user.is_disabled else user

    @staticmethod
    def _active(found: PresentedToken, user: User) -> Introspection:
        if found.access is not None:
            claims = found.access
            return Introspection(
                active=True,
                token_type=ACCESS_TOKEN,
                user_id=claims.sub,
                session_id=claims.sid,
                expires_at=claims.exp,
                issued_at=claims.iat,
                token_id=claims.jti,
                issuer=claims.iss,
                audience=claims.aud,
                roles=claims.roles,
                claims=claims.custom,
            )
        assert found.refresh is not None
        return Introspection(
            active=True,
            token_type=REFRESH_TOKEN,
            user_id=user.id,
            session_id=found.session_id,
            expires_at=int(found.refresh.expires_at.timestamp()),
            issued_at=int(found.refresh.issued_at.timestamp()),
            roles=user.roles,
        )
