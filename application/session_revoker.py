"""Ending sessions has one home: every way a session ends comes through here."""

from uuid import UUID

from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork
from domain.changes import Changes, RevocationFound
from domain.sessions import Revocation, RevocationReason, Session


class SessionRevoker:
    """Logout, logout everywhere, a device or a user's sessions ended, a disabled user, a trusted
    client's revocation, a reused refresh token: the revocation is written in the caller's unit of
    work at one moment read from the clock, and recorded there, so that this process and its siblings
    hear of it once that unit of work commits (other replicas hear of it from storage). A revocation
    whose transaction rolls back is never announced."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock

    async def end(self, uow: UnitOfWork, session_id: UUID, reason: RevocationReason) -> Revocation | None:
        """The revocation, or None if the session was already revoked or is unknown (the first stands)."""
        now = self._clock.now()
        if not await uow.sessions.revoke(session_id, now, reason):
            return None
        revocation = Revocation(session_id, now)
        uow.record(Changes(revocations=(revocation,)))
        return revocation

    async def end_all_of_user(
        self, uow: UnitOfWork, user_id: UUID, reason: RevocationReason, *, keep: UUID | None = None
    ) -> list[Revocation]:
        """Every live session of the user ends, but `keep` (the caller's own, after a password change)."""
        now = self._clock.now()
        ended = await uow.sessions.revoke_all_of_user(user_id, now, reason, keep=keep)
        revocations = tuple(Revocation(session_id, now) for session_id in ended)
        if revocations:
            uow.record(Changes(revocations=revocations))
        return list(revocations)

    async def end_or_remember(self, uow: UnitOfWork, session_id: UUID, reason: RevocationReason) -> None:
        """Ends the session; if another process ended it first, this process refuses it from now on all the same."""
        if await self.end(uow, session_id, reason) is None:
            session = await uow.sessions.get(session_id)
            if session is not None:
                self.remember(uow, session)

    @staticmethod
    def remember(uow: UnitOfWork, session: Session) -> None:
        """A session found already revoked (by another process, say): refused here from now on, whatever
        becomes of the unit of work that found it (`RevocationFound`)."""
        if session.revoked_at is not None:
            uow.record(RevocationFound(Revocation(session.id, session.revoked_at)))
