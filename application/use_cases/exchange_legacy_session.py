import contextlib
from dataclasses import dataclass
from uuid import UUID

from application.errors import StorageUnavailable
from application.ports.clock import Clock
from application.ports.legacy_sessions import LegacySessions
from application.ports.security_events import SecurityEvents
from application.ports.token_generator import TokenGenerator
from application.ports.unit_of_work import UnitOfWork
from application.results import TokenPair
from application.token_pairs import TokenPairIssuer
from domain.errors import AccountDisabled, InvalidEmail, InvalidLegacySession, MalformedLegacySessionCookie
from domain.events import EventKind, SecurityEvent
from domain.legacy_sessions import LegacyBridgePolicy, LegacySession, UserLookup
from domain.users import Email, User


@dataclass(frozen=True, slots=True)
class LegacyExchange:
    cookie: str | None
    """The legacy session id as presented: the legacy cookie's value, or a server-side caller's copy of it."""
    client_address: str | None = None
    user_agent: str | None = None


class ExchangeLegacySession:
    """Turns a session of the store being replaced into a tessera session, exactly once.

    The legacy session is taken (read and deleted in one step) before anything else, so a cookie
    is exchanged at most once under any concurrency. Unknown, expired, already exchanged, and
    naming no user of tessera all fail alike; a disabled user is refused with `AccountDisabled`.
    The session is consumed in every case but one: when tessera's own storage fails after the
    take, it is put back and the client may retry. The new session records the device as a login
    does. Each outcome is audited (`legacy_session_exchanged`, or `legacy_session_refused` with the reason),
    never with the session id. An unknown cookie costs one store round trip and no hashing, so
    it needs no throttle: guessing a 256-bit id is hopeless however fast the answers come.
    """

    def __init__(
        self,
        legacy: LegacySessions,
        policy: LegacyBridgePolicy,
        uow: UnitOfWork,
        issuer: TokenPairIssuer,
        ids: TokenGenerator,
        clock: Clock,
        events: SecurityEvents,
    ) -> None:
        self._legacy = legacy
        self._policy = policy
        self._uow = uow
        self._issuer = issuer
        self._ids = ids
        self._clock = clock
        self._events = events

    async def execute(self, exchange: LegacyExchange) -> TokenPair:
        address = exchange.client_address
        try:
            session_id = self._policy.parse_session_id(exchange.cookie)
        except MalformedLegacySessionCookie:
            self._refused("malformed", address)
            raise
        try:
            legacy = await self._legacy.take(session_id)
        except StorageUnavailable:
            self._refused("unavailable", address)
            raise
        if legacy is None:
            self._refused("unknown", address)
            raise InvalidLegacySession
        try:
            return await self._open_session(legacy, exchange)
        except StorageUnavailable:
            with contextlib.suppress(StorageUnavailable):  # both stores down: the session is lost
                await self._legacy.restore(legacy)
            self._refused("unavailable", address)
            raise

    async def _open_session(self, legacy: LegacySession, exchange: LegacyExchange) -> TokenPair:
        address = exchange.client_address
        user = await self._user_of(legacy)
        if user is None:
            self._refused("no_user", address)
            raise InvalidLegacySession
        if user.is_disabled:
            self._refused("disabled", address)
            raise AccountDisabled
        now = self._clock.now()
        session = self._issuer.open_session(
            user, now, remember=True, user_agent=exchange.user_agent, client_address=address
        )
        refresh = self._issuer.new_refresh_token(session, now)
        async with self._uow as uow:
            current = await uow.users.get(user.id)
            if current is None or current.is_disabled:  # disabled since the look-up
                self._refused("disabled", address)
                raise AccountDisabled
            await uow.sessions.add(session)
            await uow.sessions.add_refresh_token(refresh[1])
            await uow.commit()
        self._events.emit(SecurityEvent(EventKind.LEGACY_SESSION_EXCHANGED, user.id, session.id, address))
        return self._issuer.pair(user, session, refresh, now)

    async def _user_of(self, legacy: LegacySession) -> User | None:
        reference = legacy.user_reference(self._policy)
        if reference is None:
            return None
        async with self._uow as uow:
            if self._policy.lookup is UserLookup.EMAIL:
                try:
                    return await uow.users.get_by_email(Email.parse(reference))
                except InvalidEmail:
                    return None
            try:
                return await uow.users.get(UUID(reference))
            except ValueError:
                return None

    def _refused(self, reason: str, address: str | None) -> None:
        self._events.emit(SecurityEvent(EventKind.LEGACY_SESSION_REFUSED, client_address=address, detail=reason))
