from application.actors import Actor, authorise
from application.ports.unit_of_work import UnitOfWork
from application.results import UserSummary

MAX_PAGE = 100


class ListUsers:
    """One page of users, oldest first: at most `MAX_PAGE` per call."""

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow

    async def execute(self, actor: Actor, limit: int, offset: int) -> list[UserSummary]:
        async with self._uow as uow:
            await authorise(uow, actor)
            users = await uow.users.page(max(1, min(limit, MAX_PAGE)), max(0, offset))
        return [UserSummary.of(user) for user in users]
