"""What granting and revoking a role share: one conditional change of a user's roles, audited."""

from collections.abc import Callable
from dataclasses import replace
from typing import ClassVar
from uuid import UUID

from application.actors import Actor, authorise
from application.ports.unit_of_work import UnitOfWork
from application.results import UserSummary
from application.user_changes import UserChanges
from application.user_lookup import find_user
from domain.events import EventKind, SecurityEvent
from domain.users import Email, User, parse_role


class RoleChange:
    """The user's roles become `roles_after(user, role)`, in the unit of work that re-checks the actor.

    The user's next access token carries the change (a refresh reads the roles from storage);
    admin operations check the roles in storage, so they see it at once, and every process forgets
    the user's cached profile. A subclass names the change and its audit event."""

    roles_after: ClassVar[Callable[[User, str], tuple[str, ...]]]
    event: ClassVar[EventKind]

    def __init__(self, uow: UnitOfWork, changes: UserChanges) -> None:
        self._uow = uow
        self._changes = changes

    async def execute(self, target: UUID | Email, role: str, actor: Actor) -> UserSummary:
        role = parse_role(role)
        async with self._uow as uow:
            await authorise(uow, actor)
            user = await find_user(uow, target)
            roles = type(self).roles_after(user, role)
            await uow.users.set_roles(user.id, roles)
            await self._changes.record(uow, user.id)
            uow.record(SecurityEvent(self.event, user.id, None, actor.client_address, f"{role} by {actor.audit_name}"))
            await uow.commit()
        return UserSummary.of(replace(user, roles=roles))
