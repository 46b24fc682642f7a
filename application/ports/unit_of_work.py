from abc import abstractmethod
from collections.abc import Callable
from types import TracebackType
from typing import Protocol, Self

from application.ports.login_failure_repository import LoginFailureRepository
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


class UnitOfWorkFactory(Protocol):
    """A new unit of work, for the application-wide use cases that open one only when they need it."""

    @abstractmethod
    def __call__(self) -> UnitOfWork: ...
