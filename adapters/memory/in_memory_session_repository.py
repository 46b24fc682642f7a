from dataclasses import replace
from datetime import datetime, timedelta
from uuid import UUID

from adapters.memory.in_memory_store import InMemoryTables
from application.ports.session_repository import SessionRepository
from domain.revocation_feed import feed_order
from domain.rotation import spend
from domain.sessions import RefreshToken, Revocation, RevocationReason, Session


class InMemorySessionRepository(SessionRepository):
    def __init__(self, tables: InMemoryTables) -> None:
        self._tables = tables

    async def add(self, session: Session) -> None:
        self._tables.sessions[session.id] = session

    async def get(self, session_id: UUID) -> Session | None:
        return self._tables.sessions.get(session_id)

    async def add_refresh_token(self, token: RefreshToken) -> None:
        if any(stored.token_hash == token.token_hash for stored in self._tables.refresh_tokens.values()):
            raise ValueError("refresh token hash collision")
        self._tables.refresh_tokens[token.id] = token

    async def find_refresh_token(self, token_hash: str) -> RefreshToken | None:
        return next((t for t in self._tables.refresh_tokens.values() if t.token_hash == token_hash), None)

    async def get_refresh_token(self, token_id: UUID) -> RefreshToken | None:
        return self._tables.refresh_tokens.get(token_id)

    async def spend_refresh_token(
        self, token_id: UUID, now: datetime, successor_id: UUID, sealed_successor: str
    ) -> bool:
        token = self._tables.refresh_tokens.get(token_id)
        if token is None or token.is_spent:
            return False
        self._tables.refresh_tokens[token_id] = spend(token, now, successor_id, sealed_successor)
        return True

    async def touch(self, session_id: UUID, now: datetime) -> bool:
        session = self._tables.sessions.get(session_id)
        if session is None or session.is_revoked:
            return False
        self._tables.sessions[session_id] = replace(session, last_used_at=now)
        return True

    async def revoke(self, session_id: UUID, now: datetime, reason: RevocationReason) -> bool:
        session = self._tables.sessions.get(session_id)
        if session is None or session.is_revoked:
            return False
        self._tables.sessions[session_id] = session.revoke(now, reason)
        return True

    async def revoke_all_of_user(
        self, user_id: UUID, now: datetime, reason: RevocationReason, *, keep: UUID | None = None
    ) -> list[UUID]:
        live = [
            s.id for s in self._tables.sessions.values() if s.user_id == user_id and not s.is_revoked and s.id != keep
        ]
        return [session_id for session_id in live if await self.revoke(session_id, now, reason)]

    async def live_of_user(
        self, user_id: UUID, now: datetime, *, limit: int | None = None, offset: int = 0
    ) -> list[Session]:
        tokens = self._tables.refresh_tokens.values()
        live = [
            session
            for session in self._tables.sessions.values()
            if session.user_id == user_id and session.is_live_with(tokens, now)
        ]
        ordered = sorted(live, key=lambda session: (session.created_at, session.id.bytes), reverse=True)
        return ordered[offset:] if limit is None else ordered[offset : offset + limit]

    async def client_addresses_of_user(self, user_id: UUID) -> set[str]:
        sessions = self._tables.sessions.values()
        return {s.client_address for s in sessions if s.user_id == user_id and s.client_address is not None}

    async def revoked_since(
        self, moment: datetime, *, after: Revocation | None = None, limit: int | None = None
    ) -> list[Revocation]:
        found = sorted(
            (
                Revocation(s.id, s.revoked_at)
                for s in self._tables.sessions.values()
                if s.revoked_at is not None and s.revoked_at >= moment
            ),
            key=feed_order,
        )
        past = found if after is None else [r for r in found if feed_order(r) > feed_order(after)]
        return past if limit is None else past[:limit]

    async def clear_seals(self, rotated_before: datetime, batch_size: int) -> int:
        tokens = self._tables.refresh_tokens
        closed = [
            token
            for token in tokens.values()
            if token.sealed_successor is not None and token.rotated_at is not None and token.rotated_at < rotated_before
        ][:batch_size]
        for token in closed:
            tokens[token.id] = replace(token, sealed_successor=None)
        return len(closed)

    async def purge(self, now: datetime, keep_revoked_for: timedelta, batch_size: int) -> int:
        tokens = self._tables.refresh_tokens
        expired = [token_id for token_id, token in tokens.items() if token.expires_at <= now][:batch_size]
        for token_id in expired:
            del tokens[token_id]
        holding = {token.session_id for token in tokens.values()}
        cutoff = now - keep_revoked_for
        dead = [
            session.id
            for session in self._tables.sessions.values()
            if session.id not in holding and (session.revoked_at is None or session.revoked_at < cutoff)
        ][:batch_size]
        for session_id in dead:
            del self._tables.sessions[session_id]
        return len(expired) + len(dead)
