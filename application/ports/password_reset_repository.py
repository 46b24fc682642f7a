from abc import abstractmethod
from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.password_resets import PasswordResetToken


class PasswordResetRepository(Protocol):
    """Password-reset tokens, by hash. Redeeming is one conditional write."""

    @abstractmethod
    async def add(self, token: PasswordResetToken) -> None: ...

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
