from datetime import datetime

from application.ports.clock import Clock
from application.ports.revocation_view import RevocationView
from application.ports.security_events import SecurityEvents
from application.ports.unit_of_work import UnitOfWork
from application.results import TokenPair
from application.token_pairs import TokenPairIssuer
from domain.errors import InvalidRefreshToken, RefreshTokenReused
from domain.events import EventKind, SecurityEvent
from domain.lifecycle import RefreshVerdict, judge_refresh
from domain.policy import TokenPolicy
from domain.sessions import (
    RefreshToken,
    Revocation,
    RevocationReason,
    Session,
    hash_refresh_token,
    seal_successor,
    unseal_successor,
)


class RefreshSession:
    """Rotates a refresh token: the presented one is spent, its successor returned with a new access token.

    The spend is one compare-and-set, so of any number of concurrent requests exactly one rotates;
    the others, like a retry whose answer was lost, repeat that rotation within the grace window and
    receive the same successor. Outside it, a spent token presented again is theft: the session is
    revoked, in storage and in this process's revocation view, and every token of it dies.

    The user is read again from storage on every refresh: the new access token carries their roles
    as they are now, and a disabled user's refresh is refused.
    """

    def __init__(
        self,
        uow: UnitOfWork,
        issuer: TokenPairIssuer,
        revocations: RevocationView,
        clock: Clock,
        policy: TokenPolicy,
        events: SecurityEvents,
    ) -> None:
        self._uow = uow
        self._issuer = issuer
        self._revocations = revocations
        self._clock = clock
        self._policy = policy
        self._events = events

    async def execute(self, presented: str, client_address: str | None = None) -> TokenPair:
        now = self._clock.now()
        digest = hash_refresh_token(presented)
        async with self._uow as uow:
            token = await uow.sessions.find_refresh_token(digest)
            session = None if token is None else await uow.sessions.get(token.session_id)
            if token is None or session is None:
                raise InvalidRefreshToken
            verdict = await self._judge(uow, token, session, now)
            refresh: tuple[str, RefreshToken] | None = None
            if verdict is RefreshVerdict.ROTATE:
                secret, successor = self._issuer.new_refresh_token(session, now)
                sealed = seal_successor(presented, secret)
                if await uow.sessions.spend_refresh_token(token.id, now, successor.id, sealed):
                    await uow.sessions.add_refresh_token(successor)
                    refresh = (secret, successor)
                else:  # a concurrent request rotated it between our read and our write: judge what it left
                    token = await uow.sessions.find_refresh_token(digest) or token
                    verdict = await self._judge(uow, token, session, now)
            if verdict is RefreshVerdict.REPEAT_ROTATION:
                refresh = await self._same_successor(uow, token, presented)
            if verdict is RefreshVerdict.REUSED:
                if await uow.sessions.revoke(session.id, now, RevocationReason.REFRESH_TOKEN_REUSED):
                    await uow.commit()
                self._revocations.add([Revocation(session.id, now)])
                self._events.emit(
                    SecurityEvent(EventKind.REFRESH_TOKEN_REUSED, session.user_id, session.id, client_address)
                )
                raise RefreshTokenReused
            if verdict is RefreshVerdict.REVOKED and session.revoked_at is not None:
                self._revocations.add([Revocation(session.id, session.revoked_at)])
            user = await uow.users.get(session.user_id)
            # The conditional touch also fails if a logout revoked the session since we read it.
            if refresh is None or user is None or user.is_disabled or not await uow.sessions.touch(session.id, now):
                self._events.emit(
                    SecurityEvent(
                        EventKind.REFRESH_REFUSED, session.user_id, session.id, client_address, detail=verdict.value
                    )
                )
                raise InvalidRefreshToken
            await uow.commit()
        self._events.emit(SecurityEvent(EventKind.REFRESHED, user.id, session.id, client_address, detail=verdict.value))
        return self._issuer.pair(user, session, refresh, now)

    async def _judge(self, uow: UnitOfWork, token: RefreshToken, session: Session, now: datetime) -> RefreshVerdict:
        successor = None if token.successor_id is None else await uow.sessions.get_refresh_token(token.successor_id)
        return judge_refresh(token, session, now, successor=successor, grace=self._policy.refresh_grace)

    async def _same_successor(
        self, uow: UnitOfWork, token: RefreshToken, presented: str
    ) -> tuple[str, RefreshToken] | None:
        successor = None if token.successor_id is None else await uow.sessions.get_refresh_token(token.successor_id)
        secret = None if token.sealed_successor is None else unseal_successor(presented, token.sealed_successor)
        if successor is None or secret is None or hash_refresh_token(secret) != successor.token_hash:
            return None
        return secret, successor
