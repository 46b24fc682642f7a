from abc import abstractmethod
from typing import Protocol
from uuid import UUID

from domain.users import Email, User


class UserRepository(Protocol):
    @abstractmethod
    async def add(self, user: User) -> None:
        """Store a new user; `EmailAlreadyRegistered` if the email is taken."""

    @abstractmethod
    async def get(self, user_id: UUID) -> User | None: ...

    @abstractmethod
    async def update_password_hash(self, user_id: UUID, password_hash: str) -> None: ...

    @abstractmethod
    async def get_by_email(self, email: Email) -> User | None: ...
