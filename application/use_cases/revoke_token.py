from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork
from application.session_revoker import SessionRevoker
from application.token_lookup import TokenLookup, TokenQuery
from domain.events import EventKind, SecurityEvent
from domain.sessions import RevocationReason


class RevokeToken:
    """RFC 7009: a trusted client revokes a token by revoking the session it belongs to.

    Access tokens are stateless, so what is revoked for one is its session: every access and
    refresh token of that login stops working, as after a logout. A refresh token revokes its
    session whatever its own state (spent or expired included): whoever holds any token of a family
    wants the family gone. A token that is not ours, or an access token that no longer verifies,
    changes nothing, and the answer is the same (RFC 7009 §2.2).
    """

    def __init__(self, uow: UnitOfWork, lookup: TokenLookup, revoker: SessionRevoker, clock: Clock) -> None:
        self._uow = uow
        self._lookup = lookup
        self._revoker = revoker
        self._clock = clock

    async def execute(self, query: TokenQuery) -> None:
        async with self._uow as uow:
            found = await self._lookup.find(uow, query.token, query.token_type_hint, self._clock.now())
            session = None if found is None else await uow.sessions.get(found.session_id)
            if found is not None and found.access is not None and session is not None:
                session = session if session.user_id == found.access.sub else None
            if session is not None:
                await self._revoker.end_or_remember(uow, session.id, RevocationReason.REVOKED_BY_CLIENT)
            uow.record(
                SecurityEvent(
                    EventKind.TOKEN_REVOKED,
                    None if session is None else session.user_id,
                    None if session is None else session.id,
                    query.client_address,
                    detail=f"client={query.client_id} found={str(session is not None).lower()}",
                )
            )
            await uow.commit()  # even with nothing found: `TOKEN_REVOKED` is audited once committed
