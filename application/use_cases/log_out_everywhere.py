from application.ports.clock import Clock
from application.ports.revocation_view import RevocationView
from application.ports.security_events import SecurityEvents
from application.ports.unit_of_work import UnitOfWork
from application.results import Principal
from domain.events import EventKind, SecurityEvent
from domain.sessions import Revocation, RevocationReason


class LogOutEverywhere:
    """Revokes every live session of the caller's user, this one included."""

    def __init__(self, uow: UnitOfWork, revocations: RevocationView, clock: Clock, events: SecurityEvents) -> None:
        self._uow = uow
        self._events = events
        self._revocations = revocations
        self._clock = clock

    async def execute(self, principal: Principal, client_address: str | None = None) -> None:
        now = self._clock.now()
        async with self._uow as uow:
            revoked = await uow.sessions.revoke_all_of_user(principal.user_id, now, RevocationReason.LOGOUT_EVERYWHERE)
            await uow.commit()
        self._revocations.add(Revocation(session_id, now) for session_id in revoked)
        self._events.emit(
            SecurityEvent(
                EventKind.LOGGED_OUT_EVERYWHERE,
                principal.user_id,
                principal.session_id,
                client_address,
                detail=f"sessions={len(revoked)}",
            )
        )
