"""Who changes another person's account: the check that they still may, and the audit of what they ended."""

from collections.abc import Iterable
from dataclasses import dataclass
from uuid import UUID

from application.ports.unit_of_work import UnitOfWork
from domain.errors import InsufficientRole
from domain.events import EventKind, SecurityEvent
from domain.users import ADMIN_ROLE


@dataclass(frozen=True, slots=True)
class Actor:
    """The operator at the command line (who holds the database credentials, `admin_id` None), or an
    admin over HTTP, named by their user id, from the client address of their request (audited)."""

    admin_id: UUID | None = None
    client_address: str | None = None

    @property
    def audit_name(self) -> str:
        return "operator" if self.admin_id is None else f"admin:{self.admin_id}"


OPERATOR = Actor()


async def authorise(uow: UnitOfWork, actor: Actor) -> None:
    """An admin's role and state are read again from storage, inside the same unit of work as the
    change: revoking `admin`, or disabling the admin, stops them at once, whatever their token says."""
    if actor.admin_id is None:
        return
    admin = await uow.users.get(actor.admin_id)
    if admin is None or admin.is_disabled or not admin.has_role(ADMIN_ROLE):
        raise InsufficientRole


def sessions_ended(uow: UnitOfWork, user_id: UUID, ended: Iterable[UUID], actor: Actor) -> None:
    """One `session_ended` event for each session the actor ended, recorded in the unit of work that ends them."""
    for session_id in ended:
        uow.record(SecurityEvent(EventKind.SESSION_ENDED, user_id, session_id, actor.client_address, actor.audit_name))
