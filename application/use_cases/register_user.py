from dataclasses import dataclass

from application.ports.clock import Clock
from application.ports.password_hasher import PasswordHasher
from application.ports.token_generator import TokenGenerator
from application.ports.unit_of_work import UnitOfWork
from application.results import Profile
from domain.errors import EmailAlreadyRegistered
from domain.users import Email, User, check_password, parse_display_name, parse_role


@dataclass(frozen=True, slots=True)
class Registration:
    email: str
    password: str
    display_name: str | None = None
    roles: tuple[str, ...] = ()
    """Only an operator's `users create` sets these; the public registration never does."""


class RegisterUser:
    def __init__(self, uow: UnitOfWork, hasher: PasswordHasher, ids: TokenGenerator, clock: Clock) -> None:
        self._uow = uow
        self._hasher = hasher
        self._ids = ids
        self._clock = clock

    async def execute(self, registration: Registration) -> Profile:
        email = Email.parse(registration.email)
        check_password(registration.password)
        display_name = parse_display_name(registration.display_name)
        roles = tuple(dict.fromkeys(parse_role(role) for role in registration.roles))
        async with self._uow as uow:
            if await uow.users.get_by_email(email) is not None:
                raise EmailAlreadyRegistered
        # Hash outside the transaction: it is the slow part, and holds no lock. A concurrent
        # registration of the same email still fails, on the repository's uniqueness rule.
        password_hash = await self._hasher.hash(registration.password)
        user = User(
            id=self._ids.new_id(),
            email=email,
            display_name=display_name,
            password_hash=password_hash,
            roles=roles,
            created_at=self._clock.now(),
        )
        async with self._uow as uow:
            await uow.users.add(user)
            await uow.commit()
        return Profile(user.id, str(user.email), user.display_name, user.roles, user.created_at)
