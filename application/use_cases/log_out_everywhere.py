from application.ports.security_events import SecurityEvents
from application.ports.unit_of_work import UnitOfWork
from application.results import Principal
from application.session_revoker import SessionRevoker
from domain.events import EventKind, SecurityEvent
from domain.sessions import RevocationReason


class LogOutEverywhere:
    """Revokes every live session of the caller's user, this one included."""

    def __init__(self, uow: UnitOfWork, revoker: SessionRevoker, events: SecurityEvents) -> None:
        self._uow = uow
        self._revoker = revoker
        self._events = events

    async def execute(self, principal: Principal, client_address: str | None = None) -> None:
        async with self._uow as uow:
            revoked = await self._revoker.end_all_of_user(uow, principal.user_id, RevocationReason.LOGOUT_EVERYWHERE)
            await uow.commit()
        self._events.emit(
            SecurityEvent(
                EventKind.LOGGED_OUT_EVERYWHERE,
                principal.user_id,
                principal.session_id,
                client_address,
                detail=f"sessions={len(revoked)}",
            )
        )
