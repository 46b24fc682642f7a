from uuid import UUID

from application.ports.clock import Clock
from application.ports.revocation_view import RevocationView
from application.ports.security_events import SecurityEvents
from application.ports.unit_of_work import UnitOfWork
from application.results import Principal
from domain.errors import SessionNotFound
from domain.events import EventKind, SecurityEvent
from domain.sessions import Revocation, RevocationReason


class EndSession:
    """Ends one of the caller's own live sessions, as a logout would: revoked in storage (so every
    replica's revocation view learns it) and in this process at once. Ending the current one is a
    logout. Another user's session, an unknown one and one already over are the same
    `SessionNotFound`: a session id tells its holder nothing about anyone else."""

    def __init__(self, uow: UnitOfWork, revocations: RevocationView, clock: Clock, events: SecurityEvents) -> None:
        self._uow = uow
        self._revocations = revocations
        self._clock = clock
        self._events = events

    async def execute(self, principal: Principal, session_id: UUID, client_address: str | None = None) -> None:
        now = self._clock.now()
        async with self._uow as uow:
            live = {session.id for session in await uow.sessions.live_of_user(principal.user_id, now)}
            if session_id not in live or not await uow.sessions.revoke(session_id, now, RevocationReason.ENDED_BY_USER):
                raise SessionNotFound
            await uow.commit()
        self._revocations.add([Revocation(session_id, now)])
        self._events.emit(SecurityEvent(EventKind.SESSION_ENDED, principal.user_id, session_id, client_address, "self"))
