from abc import abstractmethod
from collections.abc import Callable
from types import TracebackType
from typing import Protocol, Self

from application.ports.login_failure_repository import LoginFailureRepository
from application.ports.password_reset_repository import PasswordResetRepository
from application.ports.session_repository import SessionRepository
from application.ports.signing_key_repository import SigningKeyRepository
from application.ports.user_repository import UserRepository


class UnitOfWork(Protocol):
    """One transaction over the repositories. Nothing is stored unless `commit` is called;
    leaving the block without it rolls everything back."""

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
    def after_commit(self, callback: Callable[[], None]) -> None:
        """Run `callback` once the transaction has committed; drop it if the unit of work ends without."""

    def without_transaction(self) -> Self:
        """Declares that the next block needs no transaction: it writes in one statement at most (atomic by
        itself), and its statements need no snapshot in common (at READ COMMITTED each reads its own inside a
        transaction too). An adapter may then send each statement on its own, without BEGIN and COMMIT or
        ROLLBACK: two round trips fewer (this default keeps the transaction). A block that writes still calls
        `commit`, which runs the after-commit callbacks, and must not count on a rollback: its write may be
        stored as soon as it is sent. Holds for that one block only."""
        return self


class UnitOfWorkFactory(Protocol):
    """A new unit of work, for the application-wide use cases that open one only when they need it."""

    @abstractmethod
    def __call__(self) -> UnitOfWork: ...
