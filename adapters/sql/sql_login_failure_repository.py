from collections.abc import Collection
from datetime import datetime, timedelta

from sqlalchemy import Table, bindparam, case, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.sql.models import LoginFailureRow
from application.ports.login_failure_repository import LoginFailureRepository
from domain.throttling import FailureCount

_failures: Table = LoginFailureRow.__table__  # type: ignore[assignment]
_COUNTS = select(_failures.c.key, _failures.c.failures, _failures.c.window_started_at).where(
    _failures.c.key.in_(bindparam("keys", expanding=True))
)
_CLEAR = delete(_failures).where(_failures.c.key == bindparam("key"))
"""Every login's statements on the table itself, not through the ORM: the counts as column values, and a
DELETE with nothing in the session to synchronise."""


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
        rows = await self._db.execute(_COUNTS, {"keys": sorted(set(keys))})
        return {key: FailureCount(failures, started) for key, failures, started in rows}

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
        await self._db.execute(_CLEAR, {"key": key})

    async def purge(self, now: datetime, window: timedelta, batch_size: int) -> int:
        ended = select(LoginFailureRow.key).where(LoginFailureRow.window_started_at <= now - window).limit(batch_size)
        result = await self._db.execute(delete(LoginFailureRow).where(LoginFailureRow.key.in_(ended)))
        return int(getattr(result, "rowcount", 0))
