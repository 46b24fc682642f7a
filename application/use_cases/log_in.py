from dataclasses import dataclass

from application.login_throttle import LoginThrottle
from application.ports.clock import Clock
from application.ports.password_hasher import PasswordHasher
from application.ports.security_events import SecurityEvents
from application.ports.unit_of_work import UnitOfWork
from application.results import TokenPair
from application.token_pairs import TokenPairIssuer
from domain.errors import AccountDisabled, InvalidCredentials, InvalidEmail
from domain.events import EventKind, SecurityEvent
from domain.users import Email, User


@dataclass(frozen=True, slots=True)
class Credentials:
    email: str
    password: str
    client_address: str | None = None
    user_agent: str | None = None
    remember: bool = True
    """False: a short absolute lifetime (`TokenPolicy.short_session_max_age`) and browser-session cookies."""


class LogIn:
    """Opens a new session.

    Unknown email and wrong password fail alike, and take alike long. Failures are counted in shared
    storage by the login throttle (`LoginThrottle`, `domain.throttling`); past any limit, attempts are
    refused until its window ends, the right password included, but for the account-wide limit, which
    a network the account has logged in from passes. A success clears its (account, network) count,
    and re-hashes a password stored with older argon2 parameters.

    A disabled account is refused with `AccountDisabled` only after the password has verified, so
    that the refusal tells nothing to someone without the password; it neither counts as a failure
    nor clears the count.
    """

    def __init__(
        self,
        uow: UnitOfWork,
        hasher: PasswordHasher,
        issuer: TokenPairIssuer,
        clock: Clock,
        throttle: LoginThrottle,
        events: SecurityEvents,
    ) -> None:
        self._uow = uow
        self._hasher = hasher
        self._issuer = issuer
        self._clock = clock
        self._throttle = throttle
        self._events = events

    async def execute(self, credentials: Credentials) -> TokenPair:
        now = self._clock.now()
        address = credentials.client_address
        keys = self._throttle.keys(credentials.email, address)
        user = await self._find_user(credentials.email)
        await self._throttle.refuse_if_throttled(keys, user.id if user else None, now)
        authenticated = await self._verify(user, credentials.password)
        if user is None or not authenticated:
            await self._throttle.record_failure(keys, now)
            # The account is named when it exists: the audit log is the operator's, not the caller's.
            self._events.emit(SecurityEvent(EventKind.LOGIN_FAILED, user.id if user else None, client_address=address))
            raise InvalidCredentials
        if user.is_disabled:
            self._events.emit(SecurityEvent(EventKind.LOGIN_FAILED, user.id, client_address=address, detail="disabled"))
            raise AccountDisabled
        new_hash = (
            await self._hasher.hash(credentials.password) if self._hasher.needs_rehash(user.password_hash) else None
        )
        session = self._issuer.open_session(
            user, now, remember=credentials.remember, user_agent=credentials.user_agent, client_address=address
        )
        refresh = self._issuer.new_refresh_token(session, now)
        async with self._uow as uow:
            current = await uow.users.get(user.id)
            if current is None or current.is_disabled:  # disabled since the password check
                raise AccountDisabled
            await self._throttle.clear(uow, keys)
            if new_hash is not None:
                await uow.users.update_password_hash(user.id, new_hash)
            await uow.sessions.add(session)
            await uow.sessions.add_refresh_token(refresh[1])
            await uow.commit()
        self._events.emit(SecurityEvent(EventKind.LOGIN_SUCCEEDED, user.id, session.id, address))
        return self._issuer.pair(user, session, refresh, now)

    async def _find_user(self, email: str) -> User | None:
        """The account the email names, if any (looked up before the throttle, which may ask where
        it has logged in from)."""
        try:
            parsed = Email.parse(email)
        except InvalidEmail:
            return None
        async with self._uow as uow:
            return await uow.users.get_by_email(parsed)

    async def _verify(self, user: User | None, password: str) -> bool:
        """Whether the password is the user's own; as slow without a user, so that neither tells."""
        if user is None:
            await self._hasher.verify_dummy(password)
            return False
        return await self._hasher.verify(user.password_hash, password)
