from abc import abstractmethod
from types import TracebackType
from typing import Protocol, Self

from application.ports.event_dispatcher import RecordedEvent
from application.ports.login_failure_repository import LoginFailureRepository
from application.ports.password_reset_repository import PasswordResetRepository
from application.ports.session_repository import SessionRepository
from application.ports.signing_key_repository import SigningKeyRepository
from application.ports.user_repository import UserRepository


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


class UnitOfWorkFactory(Protocol):
    """A new unit of work, for the application-wide use cases that open one only when they need it."""

    @abstractmethod
    def __call__(self) -> UnitOfWork: ...
