from application.ports.clock import Clock
from application.ports.revocation_view import RevocationView
from application.ports.security_events import SecurityEvents
from application.ports.unit_of_work import UnitOfWork
from application.results import Principal
from domain.events import EventKind, SecurityEvent
from domain.sessions import Revocation, RevocationReason


class LogOut:
    """Revokes the caller's session: stored first, then remembered by this process at once."""

    def __init__(self, uow: UnitOfWork, revocations: RevocationView, clock: Clock, events: SecurityEvents) -> None:
        self._uow = uow
        self._events = events
        self._revocations = revocations
        self._clock = clock

    async def execute(self, principal: Principal, client_address: str | None = None) -> None:
        now = self._clock.now()
        async with self._uow as uow:
            await uow.sessions.revoke(principal.session_id, now, RevocationReason.LOGOUT)
            await uow.commit()
        # Also when another process revoked it first: this process must stop accepting it now.
        self._revocations.add([Revocation(principal.session_id, now)])
        self._events.emit(SecurityEvent(EventKind.LOGGED_OUT, principal.user_id, principal.session_id, client_address))
