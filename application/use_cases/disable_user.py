from dataclasses import replace
from uuid import UUID

from application.actors import Actor, authorise, sessions_ended
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork
from application.results import UserSummary
from application.session_revoker import SessionRevoker
from application.user_changes import UserChanges
from application.user_lookup import find_user
from domain.errors import CannotDisableSelf
from domain.events import EventKind, SecurityEvent
from domain.sessions import RevocationReason
from domain.users import Email


class DisableUser:
    """Locks an account: the flag and the revocation of every live session commit together, so no
    moment exists where the user is disabled but a session of theirs still refreshes. Disabling
    twice keeps the first moment. An admin may not disable themself (they would lock themself out
    mid-request)."""

    def __init__(
        self,
        uow: UnitOfWork,
        revoker: SessionRevoker,
        changes: UserChanges,
        clock: Clock,
    ) -> None:
        self._uow = uow
        self._revoker = revoker
        self._changes = changes
        self._clock = clock

    async def execute(self, target: UUID | Email, actor: Actor) -> UserSummary:
        async with self._uow as uow:
            await authorise(uow, actor)
            user = await find_user(uow, target)
            if user.id == actor.admin_id:
                raise CannotDisableSelf
            disabled_at = user.disabled_at or self._clock.now()
            await uow.users.set_disabled(user.id, disabled_at)
            await self._changes.record(uow, user.id)
            ended = await self._revoker.end_all_of_user(uow, user.id, RevocationReason.USER_DISABLED)
            uow.record(SecurityEvent(EventKind.USER_DISABLED, user.id, None, actor.client_address, actor.audit_name))
            sessions_ended(uow, user.id, [revocation.session_id for revocation in ended], actor)
            await uow.commit()
        return UserSummary.of(replace(user, disabled_at=disabled_at))
