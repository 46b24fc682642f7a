from application.ports.unit_of_work import UnitOfWork
from application.results import Principal, Profile
from domain.errors import UserNotFound


class GetProfile:
    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow

    async def execute(self, principal: Principal) -> Profile:
        async with self._uow as uow:
            user = await uow.users.get(principal.user_id)
        if user is None:
            raise UserNotFound
        return Profile(user.id, str(user.email), user.display_name, user.roles, user.created_at)
