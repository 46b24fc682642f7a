from dataclasses import dataclass

from application.ports.clock import Clock
from application.ports.password_hasher import PasswordHasher
from application.ports.token_generator import TokenGenerator
from application.ports.unit_of_work import UnitOfWork
from application.results import TokenPair
from application.token_pairs import TokenPairIssuer
from domain.errors import InvalidCredentials, InvalidEmail
from domain.lifecycle import open_session
from domain.users import Email


@dataclass(frozen=True, slots=True)
class Credentials:
    email: str
    password: str


class LogIn:
    """Opens a new session. Unknown email and wrong password fail alike, and take alike long."""

    def __init__(
        self, uow: UnitOfWork, hasher: PasswordHasher, issuer: TokenPairIssuer, ids: TokenGenerator, clock: Clock
    ) -> None:
        self._uow = uow
        self._hasher = hasher
        self._issuer = issuer
        self._ids = ids
        self._clock = clock

    async def execute(self, credentials: Credentials) -> TokenPair:
        try:
            email = Email.parse(credentials.email)
        except InvalidEmail:
            await self._hasher.verify_dummy(credentials.password)
            raise InvalidCredentials from None
        async with self._uow as uow:
            user = await uow.users.get_by_email(email)
        if user is None:
            await self._hasher.verify_dummy(credentials.password)
            raise InvalidCredentials
        if not await self._hasher.verify(user.password_hash, credentials.password):
            raise InvalidCredentials
        now = self._clock.now()
        session = open_session(user=user, session_id=self._ids.new_id(), now=now)
        refresh = self._issuer.new_refresh_token(session, now)
        async with self._uow as uow:
            await uow.sessions.add(session)
            await uow.sessions.add_refresh_token(refresh[1])
            await uow.commit()
        return self._issuer.pair(user, session, refresh, now)
