"""Issuing a password-reset token has one home: the mailed request and the operator's link alike."""

from datetime import datetime
from uuid import UUID

from application.ports.token_generator import TokenGenerator
from application.ports.unit_of_work import UnitOfWork
from domain.password_resets import ResetLinkTemplate, issue_reset_token


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
