from application.password_reset_issuer import PasswordResetIssuer
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork
from domain.errors import AccountDisabled, UnknownUser
from domain.events import EventKind, SecurityEvent
from domain.users import Email


class CreatePasswordResetLink:
    """An operator's reset link for a user (`tessera users reset-link EMAIL`): the very token a mailed
    request would carry, for a person the operator has verified some other way."""

    def __init__(self, uow: UnitOfWork, issuer: PasswordResetIssuer, clock: Clock) -> None:
        self._uow = uow
        self._issuer = issuer
        self._clock = clock

    async def execute(self, email: str) -> str:
        parsed = Email.parse(email)
        async with self._uow as uow:
            user = await uow.users.get_by_email(parsed)
            if user is None:
                raise UnknownUser
            if user.is_disabled:
                raise AccountDisabled
            link = await self._issuer.store(uow, user.id, self._issuer.new_secret(), self._clock.now())
            uow.record(SecurityEvent(EventKind.PASSWORD_RESET_REQUESTED, user.id, detail="operator"))
            await uow.commit()
        return link
