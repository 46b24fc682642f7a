from dataclasses import dataclass

from application.login_throttle import LoginThrottle
from application.ports.clock import Clock
from application.ports.password_hasher import PasswordHasher
from application.ports.security_events import SecurityEvents
from application.ports.unit_of_work import UnitOfWork
from application.results import TokenPair
from application.token_pairs import TokenPairIssuer
from domain.errors import AccountDisabled, InvalidCredentials, InvalidEmail, InvalidUsername
from domain.events import EventKind, SecurityEvent
from domain.login_identifiers import IdentifierKind, LoginIdentifiers
from domain.users import Email, User, Username


@dataclass(frozen=True, slots=True)
class Credentials:
    identifier: str
    """The name the user logged in with: an email, a username, or either (see `kind`)."""
    password: str
    client_address: str | None = None
    user_agent: str | None = None
    remember: bool = True
    """False: a short absolute lifetime (`TokenPolicy.short_session_max_age`) and browser-session cookies."""
    kind: IdentifierKind | None = IdentifierKind.EMAIL
    """What `identifier` is; None: whichever the service accepts, an email first (`LoginIdentifiers`)."""


class LogIn:
    """Opens a new session.

    The account is named by its email or, where the service accepts it, its username
    (`domain.login_identifiers`). An unknown account and a wrong password fail alike, and take alike
    long. Failures are counted in shared storage by the login throttle (`LoginThrottle`,
    `domain.throttling`), under the account's email whichever name found it (so that a second name is
    no second allowance of guesses), and under the name as given when it names no account; past any
    limit, attempts are refused until its window ends, the right password included. A success clears
    the account's counts, and re-hashes a password stored with older argon2 parameters.

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
        identifiers: LoginIdentifiers,
    ) -> None:
        self._uow = uow
        self._hasher = hasher
        self._issuer = issuer
        self._clock = clock
        self._throttle = throttle
        self._events = events
        self._identifiers = identifiers

    async def execute(self, credentials: Credentials) -> TokenPair:
        now = self._clock.now()
        address = credentials.client_address
        account = await self._find(credentials)
        keys = self._throttle.keys(credentials.identifier if account is None else account.email.value, address)
        await self._throttle.refuse_if_throttled(keys, now)
        user, authenticated = await self._authenticate(credentials)
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

    async def _authenticate(self, credentials: Credentials) -> tuple[User | None, bool]:
        """The account the name names, if any, and whether the password is its own."""
        user = await self._find(credentials)
        if user is None:
            await self._hasher.verify_dummy(credentials.password)
            return None, False
        return user, await self._hasher.verify(user.password_hash, credentials.password)

    async def _find(self, credentials: Credentials) -> User | None:
        """The account the name names among the kinds the service accepts, an email first; None for
        a name that is no valid email or username, or names nobody."""
        async with self._uow as uow:
            for kind in self._identifiers.tried_for(credentials.kind):
                try:
                    name = (Email if kind is IdentifierKind.EMAIL else Username).parse(credentials.identifier)
                except (InvalidEmail, InvalidUsername):  # not of this kind's form
                    continue
                found = await (
                    uow.users.get_by_email(name) if isinstance(name, Email) else uow.users.get_by_username(name)
                )
                if found is not None:
                    return found
        return None
