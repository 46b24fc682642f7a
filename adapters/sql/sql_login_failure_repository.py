from collections.abc import Collection
from datetime import datetime, timedelta

from sqlalchemy import case, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.sql.models import LoginFailureRow
from application.ports.login_failure_repository import LoginFailureRepository
from domain.throttling import FailureCount


class SqlLoginFailureRepository(LoginFailureRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._db = session

    async def get(self, key: str) -> FailureCount | None:
        row = await self._db.scalar(select(LoginFailureRow).where(LoginFailureRow.key == key))
        return None if row is None else FailureCount(row.failures, row.window_started_at)

    async def get_many(self, keys: Collection[str]) -> dict[str, FailureCount]:
        """One query, however many keys: a login's three counts cost one round trip."""
        if not keys:
            return {}
        rows = await self._db.scalars(select(LoginFailureRow).where(LoginFailureRow.key.in_(sorted(set(keys)))))
        return {row.key: FailureCount(row.failures, row.window_started_at) for row in rows}

    async def record(self, key: str, now: datetime, window: timedelta) -> FailureCount:
        """One upsert, so that concurrent failures on any replica are all counted."""
        dialect = postgresql if self._db.get_bind().dialect.name == "postgresql" else sqlite
        window_over = LoginFailureRow.window_started_at <= now - window
        statement = (
            dialect.insert(LoginFailureRow)
            .values(key=key, failures=1, window_started_at=now)
            .on_conflict_do_update(
                index_elements=[LoginFailureRow.key],
                set_={
                    "failures": case((window_over, 1), else_=LoginFailureRow.failures + 1),
                    "window_started_at": case((window_over, now), else_=LoginFailureRow.window_started_at),
                },
            )
            .returning(LoginFailureRow.failures, LoginFailureRow.window_started_at)
        )
        failures, started = (await self._db.execute(statement)).one()
        return FailureCount(failures, started)

    async def clear(self, key: str) -> None:
        await self._db.execute(delete(LoginFailureRow).where(LoginFailureRow.key == key))

    async def purge(self, now: datetime, window: timedelta, batch_size: int) -> int:
        ended = select(LoginFailureRow.key).where(LoginFailureRow.window_started_at <= now - window).limit(batch_size)
        result = await self._db.execute(delete(LoginFailureRow).where(LoginFailureRow.key.in_(ended)))
        return int(getattr(result, "rowcount", 0))
