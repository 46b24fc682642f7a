"""Finding the user an operator or admin names."""

from uuid import UUID

from application.ports.unit_of_work import UnitOfWork
from domain.errors import UnknownUser
from domain.users import Email, User


async def find_user(uow: UnitOfWork, target: UUID | Email) -> User:
    """The user by id or by email; `UnknownUser` if there is none."""
    user = await (uow.users.get(target) if isinstance(target, UUID) else uow.users.get_by_email(target))
    if user is None:
        raise UnknownUser
    return user
