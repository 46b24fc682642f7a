from uuid import UUID

from application.actors import Actor, authorise, sessions_ended
from application.ports.unit_of_work import UnitOfWork
from application.session_revoker import SessionRevoker
from application.user_lookup import find_user
from domain.sessions import RevocationReason
from domain.users import Email


class EndUserSessions:
    """Ends every live session of a user, for an admin or operator: a logout-everywhere done to them.
    The user may log in again. The number of sessions ended."""

    def __init__(self, uow: UnitOfWork, revoker: SessionRevoker) -> None:
        self._uow = uow
        self._revoker = revoker

    async def execute(self, target: UUID | Email, actor: Actor) -> int:
        async with self._uow as uow:
            await authorise(uow, actor)
            user = await find_user(uow, target)
            ended = await self._revoker.end_all_of_user(uow, user.id, RevocationReason.ENDED_BY_ADMIN)
            sessions_ended(uow, user.id, [revocation.session_id for revocation in ended], actor)
            await uow.commit()
        return len(ended)
