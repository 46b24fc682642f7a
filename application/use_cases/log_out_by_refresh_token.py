from application.ports.clock import Clock
from application.ports.revocation_view import RevocationView
from application.ports.security_events import SecurityEvents
from application.ports.unit_of_work import UnitOfWork
from domain.errors import InvalidRefreshToken
from domain.events import EventKind, SecurityEvent
from domain.sessions import Revocation, RevocationReason, hash_refresh_token


class LogOutByRefreshToken:
    """Ends the session a refresh token belongs to: for a browser whose access cookie has expired
    and whose refresh cookie is all it still holds. Nothing is rotated or issued."""

    def __init__(self, uow: UnitOfWork, revocations: RevocationView, clock: Clock, events: SecurityEvents) -> None:
        self._uow = uow
        self._revocations = revocations
        self._clock = clock
        self._events = events

    async def execute(self, presented: str, client_address: str | None = None) -> None:
        now = self._clock.now()
        async with self._uow as uow:
            token = await uow.sessions.find_refresh_token(hash_refresh_token(presented))
            session = None if token is None or now >= token.expires_at else await uow.sessions.get(token.session_id)
            if session is None:
                raise InvalidRefreshToken
            await uow.sessions.revoke(session.id, now, RevocationReason.LOGOUT)
            await uow.commit()
        self._revocations.add([Revocation(session.id, now)])
        self._events.emit(SecurityEvent(EventKind.LOGGED_OUT, session.user_id, session.id, client_address))
