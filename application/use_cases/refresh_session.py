from datetime import datetime
from typing import NoReturn

from application.ports.clock import Clock
from application.ports.refresh_rotations import RefreshRotations
from application.ports.unit_of_work import UnitOfWork
from application.results import TokenPair
from application.session_revoker import SessionRevoker
from application.token_pairs import TokenPairIssuer
from domain.errors import InvalidRefreshToken, RefreshTokenReused
from domain.events import EventKind, SecurityEvent
from domain.policy import TokenPolicy
from domain.rotation import RefreshVerdict, judge_refresh
from domain.sessions import (
    RefreshToken,
    RevocationReason,
    Session,
    hash_refresh_token,
)
from domain.successor_seal import SealKey, seal_successor, unseal_successor

Successor = tuple[str, RefreshToken]
"""A successor refresh token: its secret, and its stored record."""


class RefreshSession:
    """Rotates a refresh token: the presented one is spent, its successor returned with a new access token.

    The common case, a live token, is one committed step of its own (`RefreshRotations`); any other is
    judged in full, in a unit of work. The spend is one compare-and-set, so of any number of concurrent
    requests exactly one rotates;
    the others, like a retry whose answer was lost, repeat that rotation within the grace window and
    receive the same successor. Outside it, a spent token presented again is theft: the session is
    revoked and every token of it dies.

    The user is read again from storage on every refresh: the new access token carries their roles
    as they are now, and a disabled user's refresh is refused.
    """

    def __init__(
        self,
        uow: UnitOfWork,
        rotations: RefreshRotations,
        issuer: TokenPairIssuer,
        revoker: SessionRevoker,
        clock: Clock,
        policy: TokenPolicy,
        seal_key: SealKey,
    ) -> None:
        self._uow = uow
        self._rotations = rotations
        self._issuer = issuer
        self._revoker = revoker
        self._clock = clock
        self._policy = policy
        self._seal_key = seal_key

    async def execute(self, presented: str, client_address: str | None = None) -> TokenPair:
        now = self._clock.now()
        secret, plan = self._issuer.plan_rotation(presented, now, self._seal_key)
        rotated = await self._rotations.rotate(plan)
        if rotated is None:
            return await self._judged(presented, client_address, now)
        session, user = rotated.session, rotated.user
        # Committed already, by the rotation's one step: outside the block, dispatched at once.
        verdict = RefreshVerdict.ROTATE.value
        self._uow.record(SecurityEvent(EventKind.REFRESHED, user.id, session.id, client_address, detail=verdict))
        return await self._issuer.pair(user, session, (secret, plan.successor_in(session)), now)

    async def _judged(self, presented: str, client_address: str | None, now: datetime) -> TokenPair:
        """Any other case, judged in full: a repeat within the grace window, reuse, expiry, revocation."""
        async with self._uow as uow:
            token = await uow.sessions.find_refresh_token(hash_refresh_token(presented))
            session = None if token is None else await uow.sessions.get(token.session_id)
            if token is None or session is None:
                raise InvalidRefreshToken
            verdict, successor = await self._settle(uow, token, session, presented, now)
            if verdict is RefreshVerdict.REUSED:
                await self._treat_as_theft(uow, session, client_address)
            if verdict is RefreshVerdict.REVOKED:
                self._revoker.remember(uow, session)
            user = await uow.users.get(session.user_id)
            # The conditional touch also fails if a logout revoked the session since we read it.
            if successor is None or user is None or user.is_disabled or not await uow.sessions.touch(session.id, now):
                self._refuse(uow, session, verdict, client_address)
            uow.record(SecurityEvent(EventKind.REFRESHED, user.id, session.id, client_address, detail=verdict.value))
            await uow.commit()
        return await self._issuer.pair(user, session, successor, now)

    async def _settle(
        self, uow: UnitOfWork, token: RefreshToken, session: Session, presented: str, now: datetime
    ) -> tuple[RefreshVerdict, Successor | None]:
        """The verdict on the presented token and the successor it is answered with, if any."""
        verdict = await self._judge(uow, token, session, now)
        if verdict is RefreshVerdict.ROTATE:
            rotated = await self._rotate(uow, token, session, presented, now)
            if rotated is not None:
                return verdict, rotated
            # A concurrent request rotated it between our read and our write: judge what it left.
            token = await uow.sessions.get_refresh_token(token.id) or token
            verdict = await self._judge(uow, token, session, now)
        if verdict is RefreshVerdict.REPEAT_ROTATION:
            return verdict, await self._same_successor(uow, token, presented)
        return verdict, None

    async def _judge(self, uow: UnitOfWork, token: RefreshToken, session: Session, now: datetime) -> RefreshVerdict:
        successor = None if token.successor_id is None else await uow.sessions.get_refresh_token(token.successor_id)
        return judge_refresh(token, session, now, successor=successor, grace=self._policy.refresh_grace)

    async def _rotate(
        self, uow: UnitOfWork, token: RefreshToken, session: Session, presented: str, now: datetime
    ) -> Successor | None:
        """Spends the token and stores its successor, or None if another request spent it first."""
        secret, successor = self._issuer.new_refresh_token(session, now)
        if not await uow.sessions.spend_refresh_token(
            token.id, now, successor.id, seal_successor(presented, secret, self._seal_key)
        ):
            return None
        await uow.sessions.add_refresh_token(successor)
        return secret, successor

    async def _same_successor(self, uow: UnitOfWork, token: RefreshToken, presented: str) -> Successor | None:
        """The successor of a repeated rotation, unsealed with the presented secret."""
        successor = None if token.successor_id is None else await uow.sessions.get_refresh_token(token.successor_id)
        secret = (
            None
            if token.sealed_successor is None
            else unseal_successor(presented, token.sealed_successor, self._seal_key)
        )
        if successor is None or secret is None or hash_refresh_token(secret) != successor.token_hash:
            return None
        return secret, successor

    async def _treat_as_theft(self, uow: UnitOfWork, session: Session, client_address: str | None) -> NoReturn:
        """A spent token presented again: the session is revoked (committed before the refusal) and audited."""
        await self._revoker.end_or_remember(uow, session.id, RevocationReason.REFRESH_TOKEN_REUSED)
        uow.record(SecurityEvent(EventKind.REFRESH_TOKEN_REUSED, session.user_id, session.id, client_address))
        await uow.commit()
        raise RefreshTokenReused

    @staticmethod
    def _refuse(uow: UnitOfWork, session: Session, verdict: RefreshVerdict, client_address: str | None) -> NoReturn:
        """Audited although the unit of work rolls back (`REFRESH_REFUSED` outlives it)."""
        uow.record(
            SecurityEvent(EventKind.REFRESH_REFUSED, session.user_id, session.id, client_address, detail=verdict.value)
        )
        raise InvalidRefreshToken
