from uuid import UUID

from application.ports.profile_reader import ProfileReader
from application.ports.unit_of_work import UnitOfWorkFactory
from application.results import Profile


class UnitOfWorkProfileReader(ProfileReader):
    """A profile read through a unit of work: the reader of a storage backend that brings none of its own
    (tessera's SQL and memory stores bring one that needs no unit of work)."""

    def __init__(self, new_uow: UnitOfWorkFactory) -> None:
        self._new_uow = new_uow

    async def read(self, user_id: UUID) -> Profile | None:
        async with self._new_uow() as uow:
            user = await uow.users.get(user_id)
        if user is None:
            return None
        return Profile(user.id, str(user.email), user.display_name, user.roles, user.created_at, user.claims)
