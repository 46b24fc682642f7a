"""A changed user has one home too: stamped in storage, announced once committed."""

from collections.abc import Collection
from uuid import UUID

from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork
from domain.changes import Changes


class UserChanges:
    """Every change to what a user's profile or tokens show (roles, disabled, name, claims, password)
    is recorded here, in the unit of work that makes it: the stamp lets every replica's poll find
    it, and the change recorded in the unit of work reaches this process and its siblings once it commits."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock

    async def record(self, uow: UnitOfWork, user_id: UUID) -> None:
        await uow.users.mark_changed(user_id, self._clock.now())
        uow.record(Changes(users=(user_id,)))

    async def record_many(self, uow: UnitOfWork, user_ids: Collection[UUID]) -> None:
        """`record` for a batch (an import's updates), stamped in one statement, announced as one change."""
        if user_ids:
            await uow.users.mark_many_changed(user_ids, self._clock.now())
            uow.record(Changes(users=tuple(user_ids)))
