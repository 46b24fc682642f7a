from application.ports.refresh_rotations import RefreshRotations, Rotated
from application.ports.unit_of_work import UnitOfWorkFactory
from domain.rotation import PlannedRotation, rotates_at_once


class UnitOfWorkRefreshRotations(RefreshRotations):
    """The rotation built from the repositories, in a unit of work of its own: the rotation of a storage
    backend that brings none of its own (the in-memory store, an adapter written outside tessera).
    tessera's SQL store brings one that needs fewer round trips (`SqlRefreshRotations`)."""

    def __init__(self, new_uow: UnitOfWorkFactory) -> None:
        self._new_uow = new_uow

    async def rotate(self, rotation: PlannedRotation) -> Rotated | None:
        now = rotation.now
        async with self._new_uow() as uow:
            token = await uow.sessions.find_refresh_token(rotation.presented_hash)
            session = None if token is None else await uow.sessions.get(token.session_id)
            user = None if session is None else await uow.users.get(session.user_id)
            if token is None or session is None or user is None or not rotates_at_once(token, session, user, now):
                return None
            spent = await uow.sessions.spend_refresh_token(
                token.id, now, rotation.successor_id, rotation.sealed_successor
            )
            if not spent:  # a concurrent rotation won: nothing is committed
                return None
            await uow.sessions.add_refresh_token(rotation.successor_in(session))
            if not await uow.sessions.touch(session.id, now):
                return None
            await uow.commit()
        return Rotated(session.touched(now), user)
