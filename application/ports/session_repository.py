from abc import abstractmethod
from datetime import datetime, timedelta
from typing import Protocol
from uuid import UUID

from domain.sessions import RefreshToken, Revocation, RevocationReason, Session


class SessionRepository(Protocol):
    """Sessions and their refresh tokens. Every state change is a conditional write."""

    @abstractmethod
    async def add(self, session: Session) -> None: ...

    @abstractmethod
    async def get(self, session_id: UUID) -> Session | None: ...

    @abstractmethod
    async def add_refresh_token(self, token: RefreshToken) -> None: ...

    @abstractmethod
    async def find_refresh_token(self, token_hash: str) -> RefreshToken | None: ...

    @abstractmethod
    async def get_refresh_token(self, token_id: UUID) -> RefreshToken | None: ...

    @abstractmethod
    async def spend_refresh_token(
        self, token_id: UUID, now: datetime, successor_id: UUID, sealed_successor: str
    ) -> bool:
        """Mark the token rotated, naming its successor, if and only if nobody has yet: True for the
        one caller that wins. One atomic compare-and-set, so a refresh token is redeemed at most
        once under any concurrency.
        """

    @abstractmethod
    async def touch(self, session_id: UUID, now: datetime) -> bool:
        """Record the session's last use; False, changing nothing, if it is revoked or unknown.

        A conditional write: it waits for, or fails after, a concurrent revocation of the session.
        """

    @abstractmethod
    async def revoke(self, session_id: UUID, now: datetime, reason: RevocationReason) -> bool:
        """Revoke a live session; False if it was already revoked (the first revocation stands)."""

    @abstractmethod
    async def revoke_all_of_user(
        self, user_id: UUID, now: datetime, reason: RevocationReason, *, keep: UUID | None = None
    ) -> list[UUID]:
        """Revoke every live session of the user but `keep`; the ids of those this call revoked."""

    @abstractmethod
    async def live_of_user(
        self, user_id: UUID, now: datetime, *, limit: int | None = None, offset: int = 0
    ) -> list[Session]:
        """The user's live sessions (`Session.is_live_with`), newest first, ties by descending id (a
        stable order); the first `offset` skipped, at most `limit` of them (None: every one)."""

    @abstractmethod
    async def client_addresses_of_user(self, user_id: UUID) -> set[str]:
        """The client addresses recorded on the user's stored sessions, live or ended (until purged):
        where someone with the user's password has logged in lately (see `LoginThrottle`)."""

    @abstractmethod
    async def revoked_since(
        self, moment: datetime, *, after: Revocation | None = None, limit: int | None = None
    ) -> list[Revocation]:
        """Every revocation at or after the moment, oldest first, in `domain.revocation_feed.feed_order`
        (ties of a moment by session id); only those strictly past `after` in that order, and at most
        `limit` of them (None: every one)."""

    @abstractmethod
    async def clear_seals(self, rotated_before: datetime, batch_size: int) -> int:
        """Forget the sealed successor of at most `batch_size` tokens spent before `rotated_before`
        (their grace window closed, so nothing may unseal them any more). The number of tokens cleared."""

    @abstractmethod
    async def purge(self, now: datetime, keep_revoked_for: timedelta, batch_size: int) -> int:
        """Delete at most `batch_size` refresh tokens past their expiry and at most `batch_size`
        sessions that have no refresh token left and were not revoked within `keep_revoked_for`
        (a recent revocation must stay readable for every replica's revocation view).
        The number of rows deleted."""
