"""Issuing a password-reset token has one home: the mailed request and the operator's link alike."""

from datetime import datetime
from uuid import UUID

from application.ports.token_generator import TokenGenerator
from application.ports.unit_of_work import UnitOfWork
from domain.password_resets import ResetLinkTemplate, hash_reset_token, issue_reset_token, reset_token_expiry
from domain.users import Email


class PasswordResetIssuer:
    def __init__(self, ids: TokenGenerator, template: ResetLinkTemplate) -> None:
        self._ids = ids
        self._template = template

    def new_secret(self) -> str:
        """256 random bits, URL-safe: drawn for every request, whether or not it is stored."""
        return self._ids.new_refresh_token()

    async def store(self, uow: UnitOfWork, user_id: UUID, secret: str, now: datetime) -> str:
        """Stores the token's hash in the caller's unit of work; the link that carries the secret."""
        await uow.password_resets.add(issue_reset_token(user_id, secret, now))
        return self._template.link(secret)

    async def store_for_email(self, uow: UnitOfWork, email: Email, secret: str, now: datetime) -> UUID | None:
        """Stores the token's hash for the enabled user the email names, if any, in the caller's unit
        of work and by the same statement either way; that user's id, or None."""
        token_hash = hash_reset_token(secret)
        return await uow.password_resets.add_for_email(email, token_hash, now, reset_token_expiry(now))

    def link(self, secret: str) -> str:
        return self._template.link(secret)
