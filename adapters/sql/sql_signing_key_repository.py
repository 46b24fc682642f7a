from datetime import datetime

from sqlalchemy import CursorResult, exists, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.sql.models import SigningKeyRow
from adapters.sql.row_mapping import to_signing_key_record, to_signing_key_row
from application.ports.signing_key_repository import SigningKeyRepository
from domain.keys import SigningKeyRecord


class SqlSigningKeyRepository(SigningKeyRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._db = session

    async def add(self, record: SigningKeyRecord) -> None:
        self._db.add(to_signing_key_row(record))
        await self._db.flush()

    async def add_first(self, record: SigningKeyRecord) -> bool:
        """PostgreSQL: a table lock that conflicts with itself makes concurrent first-key checks take
        turns (each sees what the one before committed). SQLite: the unit of work's BEGIN IMMEDIATE
        already holds the one write lock."""
        if self._db.get_bind().dialect.name == "postgresql":
            await self._db.execute(text(f"LOCK TABLE {SigningKeyRow.__tablename__} IN SHARE ROW EXCLUSIVE MODE"))
        if await self._db.scalar(select(exists().where(SigningKeyRow.kid.is_not(None)))):
            return False
        await self.add(record)
        return True

    async def all(self) -> list[SigningKeyRecord]:
        rows = await self._db.scalars(select(SigningKeyRow).order_by(SigningKeyRow.created_at))
        return [to_signing_key_record(row) for row in rows]

    async def withdraw(self, kid: str, now: datetime) -> bool:
        statement = (
            update(SigningKeyRow)
            .where(SigningKeyRow.kid == kid, SigningKeyRow.withdrawn_at.is_(None))
            .values(withdrawn_at=now)
        )
        result = await self._db.execute(statement)
        assert isinstance(result, CursorResult)
        return result.rowcount == 1
