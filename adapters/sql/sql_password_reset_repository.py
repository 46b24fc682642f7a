from datetime import datetime
from uuid import UUID

from sqlalchemy import CursorResult, delete, insert, literal, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.sql.models import PasswordResetTokenRow, UserRow
from application.ports.password_reset_repository import PasswordResetRepository
from domain.password_resets import PasswordResetToken
from domain.users import Email


class SqlPasswordResetRepository(PasswordResetRepository):
    """Redeeming is one conditional UPDATE whose row count says who won (`PasswordResetToken.is_redeemable`
    as a condition)."""

    def __init__(self, session: AsyncSession) -> None:
        self._db = session

    async def add(self, token: PasswordResetToken) -> None:
        self._db.add(
            PasswordResetTokenRow(
                token_hash=token.token_hash,
                user_id=token.user_id,
                created_at=token.created_at,
                expires_at=token.expires_at,
                used_at=token.used_at,
            )
        )
        await self._db.flush()

    async def add_for_email(
        self, email: Email, token_hash: str, created_at: datetime, expires_at: datetime
    ) -> UUID | None:
        """INSERT … SELECT from the user the email names: it inserts one row or none."""
        times = PasswordResetTokenRow.created_at.type
        enabled_user = select(
            literal(token_hash, PasswordResetTokenRow.token_hash.type),
            UserRow.id,
            literal(created_at, times),
            literal(expires_at, times),
        ).where(UserRow.email == email.value, UserRow.disabled_at.is_(None))
        statement = (
            insert(PasswordResetTokenRow)
            .from_select(["token_hash", "user_id", "created_at", "expires_at"], enabled_user)
            .returning(PasswordResetTokenRow.user_id)
        )
        return (await self._db.execute(statement)).scalar_one_or_none()

    async def find(self, token_hash: str) -> PasswordResetToken | None:
        row = await self._db.scalar(select(PasswordResetTokenRow).where(PasswordResetTokenRow.token_hash == token_hash))
        if row is None:
            return None
        return PasswordResetToken(row.token_hash, row.user_id, row.created_at, row.expires_at, row.used_at)

    async def redeem(self, token_hash: str, now: datetime) -> bool:
        statement = (
            update(PasswordResetTokenRow)
            .where(
                PasswordResetTokenRow.token_hash == token_hash,
                PasswordResetTokenRow.used_at.is_(None),
                PasswordResetTokenRow.expires_at > now,
            )
            .values(used_at=now)
        )
        return await self._changed(statement) == 1

    async def void_all_of_user(self, user_id: UUID, now: datetime) -> int:
        statement = (
            update(PasswordResetTokenRow)
            .where(PasswordResetTokenRow.user_id == user_id, PasswordResetTokenRow.used_at.is_(None))
            .values(used_at=now)
        )
        return await self._changed(statement)

    async def purge(self, now: datetime, batch_size: int) -> int:
        expired = (
            select(PasswordResetTokenRow.token_hash).where(PasswordResetTokenRow.expires_at < now).limit(batch_size)
        )
        return await self._changed(delete(PasswordResetTokenRow).where(PasswordResetTokenRow.token_hash.in_(expired)))

    async def _changed(self, statement: object) -> int:
        result = await self._db.execute(statement)  # type: ignore[call-overload]
        assert isinstance(result, CursorResult)
        return result.rowcount
