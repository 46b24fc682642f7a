from dataclasses import replace
from uuid import UUID

from application.actors import Actor, authorise
from application.ports.unit_of_work import UnitOfWork
from application.results import UserSummary
from application.user_changes import UserChanges
from application.user_lookup import find_user
from domain.events import EventKind, SecurityEvent
from domain.users import Email


class EnableUser:
    """Lets a disabled user log in again. The sessions ended by the disabling stay ended."""

    def __init__(self, uow: UnitOfWork, changes: UserChanges) -> None:
        self._uow = uow
        self._changes = changes

    async def execute(self, target: UUID | Email, actor: Actor) -> UserSummary:
        async with self._uow as uow:
            await authorise(uow, actor)
            user = await find_user(uow, target)
            await uow.users.set_disabled(user.id, None)
            await self._changes.record(uow, user.id)
            uow.record(SecurityEvent(EventKind.USER_ENABLED, user.id, None, actor.client_address, actor.audit_name))
            await uow.commit()
        return UserSummary.of(replace(user, disabled_at=None))
