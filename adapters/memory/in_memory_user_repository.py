from collections.abc import Collection, Sequence
from dataclasses import replace
from datetime import datetime
from uuid import UUID

from adapters.memory.in_memory_store import InMemoryTables
from application.ports.user_repository import UserRepository
from domain.custom_claims import CustomClaims
from domain.errors import EmailAlreadyRegistered, UserAlreadyExists
from domain.users import Email, User, Username


class InMemoryUserRepository(UserRepository):
    def __init__(self, tables: InMemoryTables) -> None:
        self._tables = tables

    async def add(self, user: User) -> None:
        if await self.get_by_email(user.email) is not None:
            raise EmailAlreadyRegistered
        if user.legacy_id is not None and await self.get_by_legacy_id(user.legacy_id) is not None:
            raise UserAlreadyExists
        if user.username is not None and await self.get_by_username(user.username) is not None:
            raise UserAlreadyExists
        self._tables.users[user.id] = user

    async def add_many(self, users: Sequence[User]) -> None:
        stored = self._tables.users.values()
        for key in (_id, _email, _legacy_id, _username):
            taken = [key(user) for user in stored if key(user) is not None]
            batch = [key(user) for user in users if key(user) is not None]
            if len(set(batch)) < len(batch) or set(taken) & set(batch):
                raise UserAlreadyExists
        self._tables.users.update((user.id, user) for user in users)

    async def find_many(
        self,
        ids: Collection[UUID],
        emails: Collection[Email],
        legacy_ids: Collection[str] = (),
        usernames: Collection[Username] = (),
    ) -> list[User]:
        wanted_ids, wanted_emails, wanted_legacy_ids = set(ids), set(emails), set(legacy_ids)
        wanted_usernames = set(usernames)
        return [
            user
            for user in self._tables.users.values()
            if user.id in wanted_ids
            or user.email in wanted_emails
            or user.legacy_id in wanted_legacy_ids
            or user.username in wanted_usernames
        ]

    async def replace_many(self, users: Sequence[User]) -> None:
        replaced = {user.id: user for user in users if user.id in self._tables.users}
        after = [replaced.get(user_id, user) for user_id, user in self._tables.users.items()]
        for key in (_email, _legacy_id, _username):
            values = [key(user) for user in after if key(user) is not None]
            if len(set(values)) < len(values):
                raise UserAlreadyExists
        self._tables.users.update(replaced)

    async def get(self, user_id: UUID) -> User | None:
        return self._tables.users.get(user_id)

    async def get_for_update(self, user_id: UUID) -> User | None:
        return await self.get(user_id)  # the store's lock already serialises whole units of work

    async def update_password_hash(self, user_id: UUID, password_hash: str) -> None:
        user = self._tables.users.get(user_id)
        if user is not None:
            self._tables.users[user_id] = replace(user, password_hash=password_hash)

    async def replace_password(self, user_id: UUID, password_hash: str, changed_at: datetime) -> None:
        user = self._tables.users.get(user_id)
        if user is not None:
            self._tables.users[user_id] = replace(user, password_hash=password_hash, password_changed_at=changed_at)

    async def get_by_email(self, email: Email) -> User | None:
        return next((user for user in self._tables.users.values() if user.email == email), None)

    async def get_by_legacy_id(self, legacy_id: str) -> User | None:
        return next((user for user in self._tables.users.values() if user.legacy_id == legacy_id), None)

    async def get_by_username(self, username: Username) -> User | None:
        return next((user for user in self._tables.users.values() if user.username == username), None)

    async def page(self, limit: int, offset: int) -> list[User]:
        ordered = sorted(self._tables.users.values(), key=lambda user: (user.created_at, user.id.bytes))
        return ordered[offset : offset + limit]

    async def set_roles(self, user_id: UUID, roles: tuple[str, ...]) -> None:
        user = self._tables.users.get(user_id)
        if user is not None:
            self._tables.users[user_id] = replace(user, roles=roles)

    async def set_claims(self, user_id: UUID, claims: CustomClaims) -> None:
        user = self._tables.users.get(user_id)
        if user is not None:
            self._tables.users[user_id] = replace(user, claims=claims)

    async def set_disabled(self, user_id: UUID, disabled_at: datetime | None) -> None:
        user = self._tables.users.get(user_id)
        if user is not None:
            self._tables.users[user_id] = replace(user, disabled_at=disabled_at)

    async def mark_changed(self, user_id: UUID, now: datetime) -> None:
        if user_id in self._tables.users:
            self._tables.user_changes[user_id] = now

    async def mark_many_changed(self, user_ids: Collection[UUID], now: datetime) -> None:
        for user_id in user_ids:
            await self.mark_changed(user_id, now)

    async def changed_since(self, moment: datetime) -> dict[UUID, datetime]:
        return {user: changed_at for user, changed_at in self._tables.user_changes.items() if changed_at >= moment}


def _id(user: User) -> object:
    return user.id


def _email(user: User) -> object:
    return user.email


def _legacy_id(user: User) -> object:
    return user.legacy_id


def _username(user: User) -> object:
    return user.username
