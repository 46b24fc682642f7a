from abc import abstractmethod
from dataclasses import dataclass
from types import TracebackType
from typing import Protocol, Self

from application.ports.event_dispatcher import RecordedEvent
from application.ports.login_failure_repository import LoginFailureRepository
from application.ports.password_reset_repository import PasswordResetRepository
from application.ports.session_repository import SessionRepository
from application.ports.signing_key_repository import SigningKeyRepository
from application.ports.user_repository import UserRepository
from domain.rotation import PlannedRotation, rotates_at_once
from domain.sessions import Session
from domain.users import User


@dataclass(frozen=True, slots=True)
class Rotated:
    """What a planned rotation found and left: the session as touched, and its user as stored now."""

    session: Session
    user: User


class UnitOfWork(Protocol):
    """One transaction over the repositories. Nothing is stored unless `commit` is called;
    leaving the block without it rolls everything back. What a use case must tell (revocations, changed
    users, security events) it `record`s here, and the unit of work dispatches it once committed."""

    users: UserRepository
    sessions: SessionRepository
    login_failures: LoginFailureRepository
    signing_keys: SigningKeyRepository
    password_resets: PasswordResetRepository

    @abstractmethod
    async def __aenter__(self) -> Self: ...

    @abstractmethod
    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...

    @abstractmethod
    async def commit(self) -> None: ...

    @abstractmethod
    def record(self, event: RecordedEvent) -> None:
        """Records what this unit of work did or saw, for the one dispatcher: inside a block, dispatched at
        `commit`, once and in order; dropped if the block ends without, unless the event `outlives_rollback`
        (then dispatched as the block ends). Outside a block, dispatched at once. Adapters keep an
        `EventRecorder` for it."""

    def without_transaction(self) -> Self:
        """Declares that the next block needs no transaction: it writes in one statement at most (atomic by
        itself), and its statements need no snapshot in common (at READ COMMITTED each reads its own inside a
        transaction too). An adapter may then send each statement on its own, without BEGIN and COMMIT or
        ROLLBACK: two round trips fewer (this default keeps the transaction). A block that writes still calls
        `commit`, which dispatches its recorded events, and must not count on a rollback: its write may be
        stored as soon as it is sent. Holds for that one block only."""
        return self

    async def commit_live_rotation(self, rotation: PlannedRotation) -> Rotated | None:
        """The common refresh in one committed step: if the presented token `rotates_at_once`, spend it,
        store its successor and touch the session, and commit. None if it does not (or lost a race):
        then nothing is stored, and the caller judges the token in full. A unit of work that calls it
        does nothing else, so that an adapter may make the whole step one statement, committed by
        itself (PostgreSQL: no BEGIN and COMMIT round trips around it).

        This default is built from the repositories, so every adapter has it; a SQL adapter replaces
        it with fewer round trips that the same contract tests hold to.
        """
        token = await self.sessions.find_refresh_token(rotation.presented_hash)
        session = None if token is None else await self.sessions.get(token.session_id)
        user = None if session is None else await self.users.get(session.user_id)
        if token is None or session is None or user is None or not rotates_at_once(token, session, user, rotation.now):
            return None
        now = rotation.now
        if not await self.sessions.spend_refresh_token(token.id, now, rotation.successor_id, rotation.sealed_successor):
            return None
        await self.sessions.add_refresh_token(rotation.successor_in(session))
        if not await self.sessions.touch(session.id, now):
            return None
        await self.commit()
        return Rotated(session.touched(now), user)


class UnitOfWorkFactory(Protocol):
    """A new unit of work, for the application-wide use cases that open one only when they need it."""

    @abstractmethod
    def __call__(self) -> UnitOfWork: ...
