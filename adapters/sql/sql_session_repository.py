from datetime import datetime, timedelta
from uuid import UUID

from sqlalchemy import CursorResult, and_, delete, exists, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.sql.models import RefreshTokenRow, SessionRow
from adapters.sql.row_mapping import to_refresh_token, to_refresh_token_values, to_session, to_session_values
from application.ports.session_repository import SessionRepository
from domain.sessions import RefreshToken, Revocation, RevocationReason, Session

_INSERT_SESSION = insert(SessionRow.__table__)  # type: ignore[arg-type]
_INSERT_REFRESH_TOKEN = insert(RefreshTokenRow.__table__)  # type: ignore[arg-type]
"""Rows inserted as column values on the table, not as ORM objects flushed: a login writes each once and
reads neither back, so the unit of work's object bookkeeping was CPU on the event loop for nothing."""


class SqlSessionRepository(SessionRepository):
    """Every state change is one conditional UPDATE whose row count says who won: under
    PostgreSQL's row locks or SQLite's write lock, two callers can never both succeed."""

    def __init__(self, session: AsyncSession) -> None:
        self._db = session

    async def add(self, session: Session) -> None:
        await self._db.execute(_INSERT_SESSION, to_session_values(session))

    async def get(self, session_id: UUID) -> Session | None:
        row = await self._db.scalar(select(SessionRow).where(SessionRow.id == session_id))
        return None if row is None else to_session(row)

    async def add_refresh_token(self, token: RefreshToken) -> None:
        await self._db.execute(_INSERT_REFRESH_TOKEN, to_refresh_token_values(token))

    async def find_refresh_token(self, token_hash: str) -> RefreshToken | None:
        row = await self._db.scalar(select(RefreshTokenRow).where(RefreshTokenRow.token_hash == token_hash))
        return None if row is None else to_refresh_token(row)

    async def get_refresh_token(self, token_id: UUID) -> RefreshToken | None:
        row = await self._db.scalar(select(RefreshTokenRow).where(RefreshTokenRow.id == token_id))
        return None if row is None else to_refresh_token(row)

    async def spend_refresh_token(
        self, token_id: UUID, now: datetime, successor_id: UUID, sealed_successor: str
    ) -> bool:
        statement = (
            update(RefreshTokenRow)
            .where(RefreshTokenRow.id == token_id, RefreshTokenRow.rotated_at.is_(None))
            .values(rotated_at=now, successor_id=successor_id, sealed_successor=sealed_successor)
        )
        return await self._changed(statement) == 1

    async def touch(self, session_id: UUID, now: datetime) -> bool:
        statement = (
            update(SessionRow)
            .where(SessionRow.id == session_id, SessionRow.revoked_at.is_(None))
            .values(last_used_at=now)
        )
        return await self._changed(statement) == 1

    async def revoke(self, session_id: UUID, now: datetime, reason: RevocationReason) -> bool:
        statement = (
            update(SessionRow)
            .where(SessionRow.id == session_id, SessionRow.revoked_at.is_(None))
            .values(revoked_at=now, revocation_reason=reason.value)
        )
        return await self._changed(statement) == 1

    async def revoke_all_of_user(
        self, user_id: UUID, now: datetime, reason: RevocationReason, *, keep: UUID | None = None
    ) -> list[UUID]:
        kept = () if keep is None else (SessionRow.id != keep,)
        statement = (
            update(SessionRow)
            .where(SessionRow.user_id == user_id, SessionRow.revoked_at.is_(None), *kept)
            .values(revoked_at=now, revocation_reason=reason.value)
            .returning(SessionRow.id)
        )
        return list((await self._db.scalars(statement)).all())

    async def live_of_user(
        self, user_id: UUID, now: datetime, *, limit: int | None = None, offset: int = 0
    ) -> list[Session]:
        # `Session.is_live_with` as a query: not revoked, within its absolute lifetime, holding an
        # unspent, unexpired refresh token.
        holding = exists().where(
            RefreshTokenRow.session_id == SessionRow.id,
            RefreshTokenRow.rotated_at.is_(None),
            RefreshTokenRow.expires_at > now,
        )
        statement = (
            select(SessionRow)
            .where(SessionRow.user_id == user_id, SessionRow.revoked_at.is_(None), SessionRow.expires_at > now, holding)
            .order_by(SessionRow.created_at.desc(), SessionRow.id.desc())
            .offset(offset)
            .limit(limit)
        )
        return [to_session(row) for row in (await self._db.scalars(statement)).all()]

    async def client_addresses_of_user(self, user_id: UUID) -> set[str]:
        statement = (
            select(SessionRow.client_address)
            .where(SessionRow.user_id == user_id, SessionRow.client_address.is_not(None))
            .distinct()
        )
        return {address for address in (await self._db.scalars(statement)).all() if address is not None}

    async def revoked_since(
        self, moment: datetime, *, after: Revocation | None = None, limit: int | None = None
    ) -> list[Revocation]:
        # `feed_order` as a query: the id breaks ties, compared as bytes (PostgreSQL's uuid, SQLite's blob).
        past = (
            ()
            if after is None
            else (
                or_(
                    SessionRow.revoked_at > after.revoked_at,
                    and_(SessionRow.revoked_at == after.revoked_at, SessionRow.id > after.session_id),
                ),
            )
        )
        rows = await self._db.execute(
            select(SessionRow.id, SessionRow.revoked_at)
            .where(SessionRow.revoked_at >= moment, *past)
            .order_by(SessionRow.revoked_at, SessionRow.id)
            .limit(limit)
        )
        return [Revocation(session_id, revoked_at) for session_id, revoked_at in rows.tuples() if revoked_at]

    async def clear_seals(self, rotated_before: datetime, batch_size: int) -> int:
        closed = (
            select(RefreshTokenRow.id)
            .where(RefreshTokenRow.sealed_successor.is_not(None), RefreshTokenRow.rotated_at < rotated_before)
            .limit(batch_size)
        )
        statement = update(RefreshTokenRow).where(RefreshTokenRow.id.in_(closed)).values(sealed_successor=None)
        return await self._changed(statement)

    async def purge(self, now: datetime, keep_revoked_for: timedelta, batch_size: int) -> int:
        expired = select(RefreshTokenRow.id).where(RefreshTokenRow.expires_at <= now).limit(batch_size)
        deleted = await self._changed(delete(RefreshTokenRow).where(RefreshTokenRow.id.in_(expired)))
        holding = exists().where(RefreshTokenRow.session_id == SessionRow.id)
        settled = SessionRow.revoked_at.is_(None) | (SessionRow.revoked_at < now - keep_revoked_for)
        dead = select(SessionRow.id).where(~holding, settled).limit(batch_size)
        return deleted + await self._changed(delete(SessionRow).where(SessionRow.id.in_(dead)))

    async def _changed(self, statement: object) -> int:
        result = await self._db.execute(statement)  # type: ignore[call-overload]
        assert isinstance(result, CursorResult)
        return result.rowcount
