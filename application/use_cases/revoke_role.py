from dataclasses import replace
from uuid import UUID

from application.actors import Actor, authorise, find_user, summary
from application.ports.security_events import SecurityEvents
from application.ports.unit_of_work import UnitOfWork
from application.results import UserSummary
from domain.events import EventKind, SecurityEvent
from domain.users import Email, parse_role


class RevokeRole:
    """Removes a role; revoking one the user lacks changes nothing.

    The user's next access token carries the change (a refresh reads the roles from storage);
    admin operations check the roles in storage, so they see it at once."""

    def __init__(self, uow: UnitOfWork, events: SecurityEvents) -> None:
        self._uow = uow
        self._events = events

    async def execute(self, target: UUID | Email, role: str, actor: Actor) -> UserSummary:
        role = parse_role(role)
        async with self._uow as uow:
            await authorise(uow, actor)
            user = await find_user(uow, target)
            roles = user.without(role)
            await uow.users.set_roles(user.id, roles)
            await uow.commit()
        self._events.emit(
            SecurityEvent(EventKind.ROLE_REVOKED, user.id, None, actor.client_address, f"{role} by {actor.audit_name}")
        )
        return summary(replace(user, roles=roles))
