from abc import abstractmethod
from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.password_resets import PasswordResetToken
from domain.users import Email


class PasswordResetRepository(Protocol):
    """Password-reset tokens, by hash. Redeeming is one conditional write."""

    @abstractmethod
    async def add(self, token: PasswordResetToken) -> None: ...

    @abstractmethod
    async def add_for_email(
        self, email: Email, token_hash: str, created_at: datetime, expires_at: datetime
    ) -> UUID | None:
        """Store the token for the enabled user the email names, if there is one; that user's id, else
        None (nothing stored). One statement, the same whether or not the email is registered, so that
        a reset request cannot tell by its work (`RequestPasswordReset`)."""

    @abstractmethod
    async def find(self, token_hash: str) -> PasswordResetToken | None: ...

    @abstractmethod
    async def redeem(self, token_hash: str, now: datetime) -> bool:
        """Mark the token used at `now` if and only if it `is_redeemable` now: True for the one caller
        that wins, so that a token resets a password at most once under any concurrency."""

    @abstractmethod
    async def void_all_of_user(self, user_id: UUID, now: datetime) -> int:
        """Mark every unused token of the user used at `now` (a reset makes the others pointless)."""

    @abstractmethod
    async def purge(self, now: datetime, batch_size: int) -> int:
        """Delete at most `batch_size` tokens that expired before `now`; the number deleted."""
