from uuid import UUID

from application.actors import Actor, authorise, find_user, sessions_ended
from application.ports.clock import Clock
from application.ports.revocation_view import RevocationView
from application.ports.security_events import SecurityEvents
from application.ports.unit_of_work import UnitOfWork
from domain.sessions import Revocation, RevocationReason
from domain.users import Email


class EndUserSessions:
    """Ends every live session of a user, for an admin or operator: a logout-everywhere done to them.
    The user may log in again. The number of sessions ended."""

    def __init__(self, uow: UnitOfWork, revocations: RevocationView, clock: Clock, events: SecurityEvents) -> None:
        self._uow = uow
        self._revocations = revocations
        self._clock = clock
        self._events = events

    async def execute(self, target: UUID | Email, actor: Actor) -> int:
        now = self._clock.now()
        async with self._uow as uow:
            await authorise(uow, actor)
            user = await find_user(uow, target)
            ended = await uow.sessions.revoke_all_of_user(user.id, now, RevocationReason.ENDED_BY_ADMIN)
            await uow.commit()
        self._revocations.add(Revocation(session_id, now) for session_id in ended)
        sessions_ended(self._events, user.id, ended, actor)
        return len(ended)
