"""What granting and revoking a role share: one conditional change of a user's roles, audited."""

from collections.abc import Callable
from dataclasses import replace
from uuid import UUID

from application.actors import Actor, authorise
from application.ports.security_events import SecurityEvents
from application.ports.unit_of_work import UnitOfWork
from application.results import UserSummary
from application.user_changes import UserChanges
from application.user_lookup import find_user
from domain.events import EventKind, SecurityEvent
from domain.users import Email, User, parse_role

RolesAfter = Callable[[User, str], tuple[str, ...]]


async def change_role(
    uow: UnitOfWork,
    events: SecurityEvents,
    changes: UserChanges,
    change: tuple[RolesAfter, EventKind],
    target: UUID | Email,
    role: str,
    actor: Actor,
) -> UserSummary:
    """The user's roles become `roles_after(user, role)`, in the unit of work that re-checks the actor.

    The user's next access token carries the change (a refresh reads the roles from storage);
    admin operations check the roles in storage, so they see it at once, and every process forgets
    the user's cached profile."""
    roles_after, kind = change
    role = parse_role(role)
    async with uow:
        await authorise(uow, actor)
        user = await find_user(uow, target)
        roles = roles_after(user, role)
        await uow.users.set_roles(user.id, roles)
        await changes.record(uow, user.id)
        await uow.commit()
    events.emit(SecurityEvent(kind, user.id, None, actor.client_address, f"{role} by {actor.audit_name}"))
    return UserSummary.of(replace(user, roles=roles))
