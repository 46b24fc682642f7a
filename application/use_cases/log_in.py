import math
from dataclasses import dataclass
from datetime import datetime

from application.ports.clock import Clock
from application.ports.password_hasher import PasswordHasher
from application.ports.security_events import SecurityEvents
from application.ports.token_generator import TokenGenerator
from application.ports.unit_of_work import UnitOfWork
from application.results import TokenPair
from application.token_pairs import TokenPairIssuer
from domain.errors import AccountDisabled, InvalidCredentials, InvalidEmail, LoginThrottled
from domain.events import EventKind, SecurityEvent
from domain.throttling import ThrottlePolicy, account_address_key, throttle_key, wait_before_next_attempt
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
    storage per account and client address, per account, and per address (see `domain.throttling`);
    past any limit, attempts are refused until its window ends, the right password included. A
    failure counts towards the account's limit only while its (account, address) count is within
    its own limit, so that one address, however many attempts it sends at once, cannot fill the
    account's. A success clears the account's counts, and re-hashes a password stored with older
    argon2 parameters.

    A disabled account is refused with `AccountDisabled` only after the password has verified, so
    that the refusal tells nothing to someone without the password; it neither counts as a failure
    nor clears the count.
    """

    def __init__(
        self,
        uow: UnitOfWork,
        hasher: PasswordHasher,
        issuer: TokenPairIssuer,
        ids: TokenGenerator,
        clock: Clock,
        throttling: ThrottlePolicy,
        events: SecurityEvents,
    ) -> None:
        self._uow = uow
        self._hasher = hasher
        self._issuer = issuer
        self._ids = ids
        self._clock = clock
        self._throttling = throttling
        self._events = events

    async def execute(self, credentials: Credentials) -> TokenPair:
        now = self._clock.now()
        address = credentials.client_address
        email = credentials.email.strip().lower()
        pair, account = account_address_key(email, address), throttle_key("account", email)
        limits = {
            pair: self._throttling.max_failures_per_account_address,
            account: self._throttling.max_failures_per_account,
        }
        if address:
            limits[throttle_key("address", address)] = self._throttling.max_failures_per_address
        try:
            await self._refuse_if_throttled(limits, now)
        except LoginThrottled:
            self._events.emit(SecurityEvent(EventKind.LOGIN_THROTTLED, client_address=address))
            raise
        user, authenticated = await self._authenticate(credentials)
        if user is None or not authenticated:
            await self._record_failure(limits, pair, account, now)
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
            await uow.login_failures.clear(pair)
            await uow.login_failures.clear(account)
            if new_hash is not None:
                await uow.users.update_password_hash(user.id, new_hash)
            await uow.sessions.add(session)
            await uow.sessions.add_refresh_token(refresh[1])
            await uow.commit()
        self._events.emit(SecurityEvent(EventKind.LOGIN_SUCCEEDED, user.id, session.id, address))
        return self._issuer.pair(user, session, refresh, now)

    async def _record_failure(self, limits: dict[str, int], pair: str, account: str, now: datetime) -> None:
        window = self._throttling.window
        async with self._uow as uow:
            from_this_address = await uow.login_failures.record(pair, now, window)
            for key in limits.keys() - {pair, account}:
                await uow.login_failures.record(key, now, window)
            if from_this_address.failures <= limits[pair]:
                await uow.login_failures.record(account, now, window)
            await uow.commit()

    async def _refuse_if_throttled(self, limits: dict[str, int], now: datetime) -> None:
        async with self._uow as uow:
            waits = [
                wait_before_next_attempt(await uow.login_failures.get(key), limit, self._throttling.window, now)
                for key, limit in limits.items()
            ]
        longest = max((wait for wait in waits if wait is not None), default=None)
        if longest is not None:
            raise LoginThrottled(retry_after_seconds=max(1, math.ceil(longest.total_seconds())))

    async def _authenticate(self, credentials: Credentials) -> tuple[User | None, bool]:
        """The account the email names, if any, and whether the password is its own."""
        try:
            email = Email.parse(credentials.email)
        except InvalidEmail:
            await self._hasher.verify_dummy(credentials.password)
            return None, False
        async with self._uow as uow:
            user = await uow.users.get_by_email(email)
        if user is None:
            await self._hasher.verify_dummy(credentials.password)
            return None, False
        return user, await self._hasher.verify(user.password_hash, credentials.password)
