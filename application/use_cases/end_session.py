from uuid import UUID

from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork
from application.results import Principal
from application.session_revoker import SessionRevoker
from domain.errors import SessionNotFound
from domain.events import EventKind, SecurityEvent
from domain.sessions import RevocationReason


class EndSession:
    """Ends one of the caller's own live sessions, as a logout would. Ending the current one is a
    logout. Another user's session, an unknown one and one already over are the same
    `SessionNotFound`: a session id tells its holder nothing about anyone else."""

    def __init__(self, uow: UnitOfWork, revoker: SessionRevoker, clock: Clock) -> None:
        self._uow = uow
        self._revoker = revoker
        self._clock = clock

    async def execute(self, principal: Principal, session_id: UUID, client_address: str | None = None) -> None:
        async with self._uow as uow:
            live = {session.id for session in await uow.sessions.live_of_user(principal.user_id, self._clock.now())}
            if session_id not in live or not await self._revoker.end(uow, session_id, RevocationReason.ENDED_BY_USER):
                raise SessionNotFound
            uow.record(SecurityEvent(EventKind.SESSION_ENDED, principal.user_id, session_id, client_address, "self"))
            await uow.commit()
