from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork
from application.session_revoker import SessionRevoker
from domain.errors import InvalidRefreshToken
from domain.events import EventKind, SecurityEvent
from domain.sessions import RevocationReason, hash_refresh_token


class LogOutByRefreshToken:
    """Ends the session a refresh token belongs to: for a browser whose access cookie has expired
    and whose refresh cookie is all it still holds. Nothing is rotated or issued. Any unexpired
    token of the family names its session (spent ones too: whoever holds one wants it gone).

    Two reads and one conditional UPDATE: no transaction is needed around them (`without_transaction`)."""

    def __init__(self, uow: UnitOfWork, revoker: SessionRevoker, clock: Clock) -> None:
        self._uow = uow
        self._revoker = revoker
        self._clock = clock

    async def execute(self, presented: str, client_address: str | None = None) -> None:
        async with self._uow.without_transaction() as uow:
            token = await uow.sessions.find_refresh_token(hash_refresh_token(presented))
            expired = token is None or token.has_expired(self._clock.now())
            session = None if token is None or expired else await uow.sessions.get(token.session_id)
            if session is None:
                raise InvalidRefreshToken
            await self._revoker.end_or_remember(uow, session.id, RevocationReason.LOGOUT)
            uow.record(SecurityEvent(EventKind.LOGGED_OUT, session.user_id, session.id, client_address))
            await uow.commit()
