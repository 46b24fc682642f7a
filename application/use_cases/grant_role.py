from uuid import UUID

from application.actors import Actor
from application.ports.security_events import SecurityEvents
from application.ports.unit_of_work import UnitOfWork
from application.results import UserSummary
from application.role_change import change_role
from application.user_changes import UserChanges
from domain.events import EventKind
from domain.users import Email, User


class GrantRole:
    """Adds a role; granting one the user already has changes nothing (see `change_role`)."""

    def __init__(self, uow: UnitOfWork, changes: UserChanges, events: SecurityEvents) -> None:
        self._uow = uow
        self._changes = changes
        self._events = events

    async def execute(self, target: UUID | Email, role: str, actor: Actor) -> UserSummary:
        return await change_role(
            self._uow, self._events, self._changes, (User.granted, EventKind.ROLE_GRANTED), target, role, actor
        )
