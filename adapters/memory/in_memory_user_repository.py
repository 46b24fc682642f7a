from dataclasses import replace
from uuid import UUID

from adapters.memory.in_memory_store import InMemoryTables
from application.ports.user_repository import UserRepository
from domain.errors import EmailAlreadyRegistered
from domain.users import Email, User


class InMemoryUserRepository(UserRepository):
    def __init__(self, tables: InMemoryTables) -> None:
        self._tables = tables

    async def add(self, user: User) -> None:
        if await self.get_by_email(user.email) is not None:
            raise EmailAlreadyRegistered
        self._tables.users[user.id] = user

    async def get(self, user_id: UUID) -> User | None:
        return self._tables.users.get(user_id)

    async def update_password_hash(self, user_id: UUID, password_hash: str) -> None:
        user = self._tables.users.get(user_id)
        if user is not None:
            self._tables.users[user_id] = replace(user, password_hash=password_hash)

    async def get_by_email(self, email: Email) -> User | None:
        return next((user for user in self._tables.users.values() if user.email == email), None)
