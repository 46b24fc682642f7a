import contextlib
from dataclasses import dataclass
from uuid import UUID

from application.errors import StorageUnavailable
from application.ports.clock import Clock
from application.ports.legacy_sessions import LegacySessions
from application.ports.token_generator import TokenGenerator
from application.ports.unit_of_work import UnitOfWork
from application.results import TokenPair
from application.token_pairs import TokenPairIssuer
from domain.errors import (
    AccountDisabled,
    InvalidEmail,
    InvalidLegacySession,
    LegacyRefusal,
    LegacySessionRefused,
    MalformedLegacySessionCookie,
)
from domain.events import EventKind, SecurityEvent
from domain.legacy_sessions import MAX_COOKIE_LENGTH, LegacySession, UserLookup
from domain.users import Email, User


@dataclass(frozen=True, slots=True)
class LegacyExchange:
    cookie: str | None
    """The legacy session cookie's value as the browser sent it, or a server-side caller's copy of it."""
    client_address: str | None = None
    user_agent: str | None = None


class ExchangeLegacySession:
    """Turns a session of the framework being replaced into a tessera session, exactly once.

    The legacy session is taken (verified, read and consumed in one step) before anything else, so
    a cookie is exchanged at most once under any concurrency. Every refusal is audited
    (`legacy_session_refused`) with its `LegacyRefusal` reason, and answered alike (a 401) apart
    from a malformed cookie (400) and a disabled user (`AccountDisabled`). The session is consumed
    in every case but one: when tessera's own storage fails after the take, it is restored and the
    client may retry. The new session records the device as a login does. A success is audited as
    `legacy_session_exchanged`, never with the session id or cookie. An unknown cookie costs one
    store round trip (or one HMAC) and no password hashing, so it needs no throttle: guessing a
    session id or forging a signature is hopeless however fast the answers come.
    """

    def __init__(
        self,
        legacy: LegacySessions,
        lookup: UserLookup,
        uow: UnitOfWork,
        pairs: TokenPairIssuer,
        ids: TokenGenerator,
        clock: Clock,
    ) -> None:
        self._legacy = legacy
        self._lookup = lookup
        self._uow = uow
        self._pairs = pairs
        self._ids = ids
        self._clock = clock

    async def execute(self, exchange: LegacyExchange) -> TokenPair:
        address = exchange.client_address
        cookie = exchange.cookie
        try:
            if not cookie or len(cookie) > MAX_COOKIE_LENGTH:
                raise MalformedLegacySessionCookie
            legacy = await self._legacy.take(cookie)
        except LegacySessionRefused as refusal:
            self._refused(refusal.reason, address)
            raise
        except StorageUnavailable:
            self._refused("unavailable", address)
            raise
        try:
            return await self._open_session(legacy, exchange)
        except StorageUnavailable:
            with contextlib.suppress(StorageUnavailable):  # both stores down: the session is lost
                await self._legacy.restore(legacy)
            self._refused("unavailable", address)
            raise

    async def _open_session(self, legacy: LegacySession, exchange: LegacyExchange) -> TokenPair:
        address = exchange.client_address
        user = await self._user_of(legacy, address)
        if user.is_disabled:
            self._refused("disabled", address)
            raise AccountDisabled
        now = self._clock.now()
        session = self._pairs.open_session(
            user, now, remember=True, user_agent=exchange.user_agent, client_address=address
        )
        refresh = self._pairs.new_refresh_token(session, now)
        async with self._uow as uow:
            current = await uow.users.get(user.id)
            if current is None or current.is_disabled:  # disabled since the look-up
                self._refused("disabled", address)
                raise AccountDisabled
            await uow.sessions.add(session)
            await uow.sessions.add_refresh_token(refresh[1])
            uow.record(SecurityEvent(EventKind.LEGACY_SESSION_EXCHANGED, user.id, session.id, address))
            await uow.commit()
        return await self._pairs.pair(user, session, refresh, now)

    async def _user_of(self, legacy: LegacySession, address: str | None) -> User:
        """The user the session names, who must still hold the password the session was made with: not
        if they chose a new one at tessera since (the legacy app's sessions prove the old one at most),
        nor if the framework's own proof in the session (Django's `_auth_user_hash`) says otherwise."""
        reference = legacy.user_reference
        if reference is None:
            self._refused(LegacyRefusal.NO_USER_REFERENCE, address)
            raise InvalidLegacySession(LegacyRefusal.NO_USER_REFERENCE)
        user = await self._find(reference)
        if user is None:
            self._refused(LegacyRefusal.NO_USER, address)
            raise InvalidLegacySession(LegacyRefusal.NO_USER)
        if user.password_changed_at is not None or not self._legacy.password_unchanged(legacy, user.password_hash):
            self._refused(LegacyRefusal.PASSWORD_CHANGED, address)
            raise InvalidLegacySession(LegacyRefusal.PASSWORD_CHANGED)
        return user

    async def _find(self, reference: str) -> User | None:
        async with self._uow as uow:
            if self._lookup is UserLookup.EMAIL:
                try:
                    return await uow.users.get_by_email(Email.parse(reference))
                except InvalidEmail:
                    return None
            if self._lookup is UserLookup.LEGACY_ID:
                return await uow.users.get_by_legacy_id(reference)
            try:
                return await uow.users.get(UUID(reference))
            except ValueError:
                return None

    def _refused(self, reason: str, address: str | None) -> None:
        """Recorded in the unit of work: dispatched as its block ends, or at once outside one (a refusal
        outlives a rollback)."""
        self._uow.record(SecurityEvent(EventKind.LEGACY_SESSION_REFUSED, client_address=address, detail=str(reason)))
