from dataclasses import replace
from datetime import datetime
from uuid import UUID

from adapters.memory.in_memory_store import InMemoryTables
from application.ports.password_reset_repository import PasswordResetRepository
from domain.password_resets import PasswordResetToken
from domain.users import Email


class InMemoryPasswordResetRepository(PasswordResetRepository):
    def __init__(self, tables: InMemoryTables) -> None:
        self._tables = tables

    async def add(self, token: PasswordResetToken) -> None:
        self._tables.password_resets[token.token_hash] = token

    async def add_for_email(
        self, email: Email, token_hash: str, created_at: datetime, expires_at: datetime
    ) -> UUID | None:
        users = self._tables.users.values()
        user = next((user for user in users if user.email == email and not user.is_disabled), None)
        if user is None:
            return None
        await self.add(PasswordResetToken(token_hash, user.id, created_at, expires_at))
        return user.id

    async def find(self, token_hash: str) -> PasswordResetToken | None:
        return self._tables.password_resets.get(token_hash)

    async def redeem(self, token_hash: str, now: datetime) -> bool:
        token = self._tables.password_resets.get(token_hash)
        if token is None or not token.is_redeemable(now):
            return False
        self._tables.password_resets[token_hash] = replace(token, used_at=now)
        return True

    async def void_all_of_user(self, user_id: UUID, now: datetime) -> int:
        unused = [t for t in self._tables.password_resets.values() if t.user_id == user_id and t.used_at is None]
        for token in unused:
            self._tables.password_resets[token.token_hash] = replace(token, used_at=now)
        return len(unused)

    async def purge(self, now: datetime, batch_size: int) -> int:
        expired = [h for h, t in self._tables.password_resets.items() if t.expires_at < now][:batch_size]
        for token_hash in expired:
            del self._tables.password_resets[token_hash]
        return len(expired)
