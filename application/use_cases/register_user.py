import math
from dataclasses import dataclass

from application.ports.clock import Clock
from application.ports.password_hasher import PasswordHasher
from application.ports.token_generator import TokenGenerator
from application.ports.unit_of_work import UnitOfWork
from application.results import Profile
from domain.client_networks import client_network
from domain.errors import EmailAlreadyRegistered, RegistrationThrottled
from domain.throttling import ThrottlePolicy, throttle_key
from domain.users import Email, User, check_password, parse_display_name, parse_role


@dataclass(frozen=True, slots=True)
class Registration:
    email: str
    password: str
    display_name: str | None = None
    roles: tuple[str, ...] = ()
    """Only an operator's `users create` sets these; the public registration never does."""
    client_address: str | None = None
    """Set by the public registration ('' if unknown: such clients share one count), which is then
    throttled per address; None for an operator's `users create`, which is not."""


class RegisterUser:
    """Creates an account. A public registration is counted per client network (`client_network`: an
    IPv6 address by its /64) once its input is valid, before the email is looked up or the password
    hashed: past the limit it is refused until the window ends, so that one address can neither spend
    argon2id hashes nor probe for taken emails faster than the limit allows."""

    def __init__(
        self, uow: UnitOfWork, hasher: PasswordHasher, ids: TokenGenerator, clock: Clock, throttling: ThrottlePolicy
    ) -> None:
        self._uow = uow
        self._hasher = hasher
        self._ids = ids
        self._clock = clock
        self._throttling = throttling

    async def execute(self, registration: Registration) -> Profile:
        email = Email.parse(registration.email)
        check_password(registration.password)
        display_name = parse_display_name(registration.display_name)
        roles = tuple(dict.fromkeys(parse_role(role) for role in registration.roles))
        if registration.client_address is not None:
            await self._count_from(registration.client_address)
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

    async def _count_from(self, address: str) -> None:
        """Counted and checked in one atomic step, so that concurrent registrations cannot overshoot."""
        now, window = self._clock.now(), self._throttling.registration_window
        async with self._uow as uow:
            counted = await uow.login_failures.record(
                throttle_key("registration", client_network(address)), now, window
            )
            await uow.commit()
        if counted.failures > self._throttling.max_registrations_per_address:
            wait = counted.window_started_at + window - now
            raise RegistrationThrottled(retry_after_seconds=max(1, math.ceil(wait.total_seconds())))
