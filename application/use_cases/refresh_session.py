from application.ports.clock import Clock
from application.ports.revocation_view import RevocationView
from application.ports.unit_of_work import UnitOfWork
from application.results import TokenPair
from application.token_pairs import TokenPairIssuer
from domain.errors import InvalidRefreshToken, RefreshTokenReused
from domain.lifecycle import RefreshVerdict, judge_refresh
from domain.sessions import Revocation, RevocationReason, hash_refresh_token


class RefreshSession:
    """Rotates a refresh token: the presented one is spent, its successor returned with a new access token.

    A spent token presented again is theft: the session is revoked, in storage and in this
    process's revocation view, so its newest refresh token and its access tokens die with it.
    """

    def __init__(self, uow: UnitOfWork, issuer: TokenPairIssuer, revocations: RevocationView, clock: Clock) -> None:
        self._uow = uow
        self._issuer = issuer
        self._revocations = revocations
        self._clock = clock

    async def execute(self, presented: str) -> TokenPair:
        now = self._clock.now()
        async with self._uow as uow:
            token = await uow.sessions.find_refresh_token(hash_refresh_token(presented))
            session = None if token is None else await uow.sessions.get(token.session_id)
            if token is None or session is None:
                raise InvalidRefreshToken
            verdict = judge_refresh(token, session, now)
            if verdict is RefreshVerdict.ROTATE and not await uow.sessions.spend_refresh_token(token.id, now):
                verdict = RefreshVerdict.REUSED  # another request spent it between our read and our write
            if verdict is RefreshVerdict.REUSED:
                if await uow.sessions.revoke(session.id, now, RevocationReason.REFRESH_TOKEN_REUSED):
                    await uow.commit()
                    self._revocations.add([Revocation(session.id, now)])
                raise RefreshTokenReused
            if verdict is not RefreshVerdict.ROTATE:
                raise InvalidRefreshToken
            user = await uow.users.get(session.user_id)
            if user is None:
                raise InvalidRefreshToken
            secret, successor = self._issuer.new_refresh_token(session)
            await uow.sessions.add_refresh_token(successor)
            await uow.sessions.touch(session.id, now)
            await uow.commit()
        return self._issuer.pair(user, session, secret)
