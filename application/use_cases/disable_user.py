from dataclasses import replace
from uuid import UUID

from application.actors import Actor, authorise, find_user, sessions_ended, summary
from application.ports.clock import Clock
from application.ports.revocation_view import RevocationView
from application.ports.security_events import SecurityEvents
from application.ports.unit_of_work import UnitOfWork
from application.results import UserSummary
from domain.errors import CannotDisableSelf
from domain.events import EventKind, SecurityEvent
from domain.sessions import Revocation, RevocationReason
from domain.users import Email


class DisableUser:
    """Locks an account: the flag and the revocation of every live session commit together, so no
    moment exists where the user is disabled but a session of theirs still refreshes. The revocations
    reach every replica's revocation view as a logout-everywhere does. Disabling twice keeps the first
    moment. An admin may not disable themself (they would lock themself out mid-request)."""

    def __init__(self, uow: UnitOfWork, revocations: RevocationView, clock: Clock, events: SecurityEvents) -> None:
        self._uow = uow
        self._revocations = revocations
        self._clock = clock
        self._events = events

    async def execute(self, target: UUID | Email, actor: Actor) -> UserSummary:
        now = self._clock.now()
        async with self._uow as uow:
            await authorise(uow, actor)
            user = await find_user(uow, target)
            if user.id == actor.admin_id:
                raise CannotDisableSelf
            disabled_at = user.disabled_at or now
            await uow.users.set_disabled(user.id, disabled_at)
            ended = await uow.sessions.revoke_all_of_user(user.id, now, RevocationReason.USER_DISABLED)
            await uow.commit()
        self._revocations.add(Revocation(session_id, now) for session_id in ended)
        self._events.emit(SecurityEvent(EventKind.USER_DISABLED, user.id, None, actor.client_address, actor.audit_name))
        sessions_ended(self._events, user.id, ended, actor)
        return summary(replace(user, disabled_at=disabled_at))
