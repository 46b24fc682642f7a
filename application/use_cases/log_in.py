from dataclasses import dataclass
from datetime import datetime

from application.login_throttle import LoginThrottle, ThrottleKeys
from application.ports.clock import Clock
from application.ports.password_hasher import PasswordHasher
from application.ports.unit_of_work import UnitOfWork
from application.results import TokenPair
from application.token_pairs import TokenPairIssuer
from domain.errors import AccountDisabled, InvalidCredentials, InvalidEmail, InvalidUsername
from domain.events import EventKind, SecurityEvent
from domain.login_identifiers import EMAIL_ONLY, IdentifierKind, LoginIdentifiers
from domain.sessions import RefreshToken, Session
from domain.users import Email, User, Username

_ATTEMPTS = 2
"""Password checks one login may make: a hash changed under the first (a concurrent rehash, change or
reset) is checked once more, as it now stands."""


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
    no second allowance of guesses), and under the name's normal form when it names no account
    (`_find_user`); past any limit, attempts are refused until its window ends, the right password
    included, but for the account-wide limit, which a network the account has logged in from passes.
    A success clears its (account, network) count, and re-hashes a password stored with older argon2
    parameters.

    Storage sees two units of work: reads without a transaction (the account, then every count the
    attempt is judged by, at once) before the password check, so that nothing stays open across argon2;
    and one transaction that opens the session (`_open_session`).

    A password change or reset that commits while a login is under way wins: the login opens no session
    on the old password, and a session it opened first is ended by the change (`_open_session`).

    A disabled account is refused with `AccountDisabled` only after the password has verified, so
    that the refusal tells nothing to someone without the password; it neither counts as a failure
    nor clears the count.
    """

    def __init__(
        self,
        uow: UnitOfWork,
        hasher: PasswordHasher,
        pairs: TokenPairIssuer,
        clock: Clock,
        throttle: LoginThrottle,
        identifiers: LoginIdentifiers = EMAIL_ONLY,
    ) -> None:
        self._uow = uow
        self._hasher = hasher
        self._pairs = pairs
        self._clock = clock
        self._throttle = throttle
        self._identifiers = identifiers

    async def execute(self, credentials: Credentials) -> TokenPair:
        now = self._clock.now()
        address = credentials.client_address
        # The account and the counts that judge the attempt: reads only, no transaction needed.
        async with self._uow.without_transaction() as uow:
            user, name = await self._find_user(uow, credentials)
            keys = self._throttle.keys(name if user is None else user.email.value, address)
            await self._throttle.refuse_if_throttled_in(uow, keys, user.id if user else None, now)
        for attempt in range(_ATTEMPTS):
            if attempt:  # the hash changed under the first check: read the user as it now stands
                async with self._uow.without_transaction() as uow:
                    user, _ = await self._find_user(uow, credentials)
            authenticated = await self._verify(user, credentials.password)
            if user is None or not authenticated:
                # The account is named when it exists: the audit log is the operator's, not the caller's.
                failed = SecurityEvent(EventKind.LOGIN_FAILED, user.id if user else None, client_address=address)
                await self._throttle.record_failure(keys, now, failed)
                raise InvalidCredentials
            if user.is_disabled:  # outside any unit of work: an answer, dispatched at once
                self._uow.record(
                    SecurityEvent(EventKind.LOGIN_FAILED, user.id, client_address=address, detail="disabled")
                )
                raise AccountDisabled
            opened = await self._open_session(user, credentials, keys, now)
            if opened is not None:
                current, session, refresh = opened
                return await self._pairs.pair(current, session, refresh, now)
        raise InvalidCredentials  # the hash changed under every attempt: no session on a password not checked

    async def _open_session(
        self, verified: User, credentials: Credentials, keys: ThrottleKeys, now: datetime
    ) -> tuple[User, Session, tuple[str, RefreshToken]] | None:
        """The session, opened only if the user's stored hash is still the one the password was verified
        against; None if a password change, a reset or another login's rehash committed in between (the
        password is then checked again, against the new hash).

        The user is read locked (`get_for_update`), so a change or reset that has not committed yet
        waits for this unit of work and then ends the session it opened. A rehash replaces exactly the
        hash that was verified."""
        password_hash = verified.password_hash
        new_hash = await self._hasher.hash(credentials.password) if self._hasher.needs_rehash(password_hash) else None
        session = self._pairs.open_session(
            verified,
            now,
            remember=credentials.remember,
            user_agent=credentials.user_agent,
            client_address=credentials.client_address,
        )
        refresh = self._pairs.new_refresh_token(session, now)
        async with self._uow as uow:
            current = await uow.users.get_for_update(verified.id)
            if current is None or current.is_disabled:  # disabled since the password check
                raise AccountDisabled
            if current.password_hash != password_hash:
                return None
            await self._throttle.clear(uow, keys)
            if new_hash is not None:
                await uow.users.update_password_hash(current.id, new_hash)
            await uow.sessions.add(session)
            await uow.sessions.add_refresh_token(refresh[1])
            address = credentials.client_address
            uow.record(SecurityEvent(EventKind.LOGIN_SUCCEEDED, current.id, session.id, address))
            await uow.commit()
        return current, session, refresh

    async def _find_user(self, uow: UnitOfWork, credentials: Credentials) -> tuple[User | None, str]:
        """The account the name names among the kinds the service accepts, an email first (None for a
        name that is no valid email or username, or names nobody), and the name as the first kind it is
        of normalises it (as given if of none). Looked up before the throttle, which keys the account's
        failures by its email and may ask where it has logged in from.

        A name that names nobody is counted under its normal form, as an account's spellings all are
        under its email: counted as typed, two spellings of one unknown username (`Ａda`, `ada`) would
        have a count each where a known one's share one, and the spelling still heard past the limit
        would tell which usernames exist."""
        normal: str | None = None
        for kind in self._identifiers.tried_for(credentials.kind):
            try:
                name = (Email if kind is IdentifierKind.EMAIL else Username).parse(credentials.identifier)
            except (InvalidEmail, InvalidUsername):  # not of this kind's form
                continue
            normal = normal or name.value
            found = await (uow.users.get_by_email(name) if isinstance(name, Email) else uow.users.get_by_username(name))
            if found is not None:
                return found, normal
        return None, normal or credentials.identifier

    async def _verify(self, user: User | None, password: str) -> bool:
        """Whether the password is the user's own; as slow without a user, so that neither tells."""
        if user is None:
            await self._hasher.verify_dummy(password)
            return False
        return await self._hasher.verify(user.password_hash, password)
