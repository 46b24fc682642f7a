from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from adapters.sql.connection_turns import session_in_turn
from adapters.sql.models import SpentLegacyCookieRow
from application.errors import StorageUnavailable
from application.ports.spent_legacy_cookies import SpentLegacyCookies

_PURGED_PER_SPEND = 10
"""Each spend also removes up to this many records past their expiry: the table stays as small as
the number of live exchanged cookies, without a job of its own."""


class SqlSpentLegacyCookies(SpentLegacyCookies):
    """One upsert decides: a new digest is inserted, an expired record is overwritten, a live one is
    left alone; the statement returns a row only in the first two cases. Its own transaction: the
    record must hold whatever becomes of the exchange (`forget` undoes it)."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def spend(self, digest: str, until: datetime, now: datetime) -> bool:
        try:
            async with session_in_turn(self._sessions) as db, db.begin():
                dialect = postgresql if db.get_bind().dialect.name == "postgresql" else sqlite
                table = SpentLegacyCookieRow.__table__
                statement = (
                    dialect.insert(SpentLegacyCookieRow)
                    .values(digest=digest, spent_until=until)
                    .on_conflict_do_update(
                        index_elements=[SpentLegacyCookieRow.digest],
                        set_={"spent_until": until},
                        where=table.c.spent_until <= now,
                    )
                    .returning(SpentLegacyCookieRow.digest)
                )
                spent = (await db.execute(statement)).scalar_one_or_none() is not None
                past = select(SpentLegacyCookieRow.digest).where(SpentLegacyCookieRow.spent_until <= now)
                await db.execute(
                    delete(SpentLegacyCookieRow).where(SpentLegacyCookieRow.digest.in_(past.limit(_PURGED_PER_SPEND)))
                )
                return spent
        except (DBAPIError, OSError) as error:
            raise StorageUnavailable from error

    async def forget(self, digest: str) -> None:
        try:
            async with session_in_turn(self._sessions) as db, db.begin():
                await db.execute(delete(SpentLegacyCookieRow).where(SpentLegacyCookieRow.digest == digest))
        except (DBAPIError, OSError) as error:
            raise StorageUnavailable from error
