"""ExchangeLegacySession over the in-memory store and legacy-session fake, wired by the real composition root."""

from dataclasses import replace
from datetime import timedelta
from types import TracebackType
from typing import Self

import pytest
from dishka import Provider, Scope, provide

from adapters.memory.in_memory_legacy_sessions import InMemoryLegacySessions
from adapters.memory.in_memory_unit_of_work import InMemoryUnitOfWork
from application.errors import StorageUnavailable
from application.ports.clock import Clock
from application.ports.legacy_sessions import LegacySessions
from application.ports.unit_of_work import UnitOfWork
from application.results import TokenPair
from application.use_cases.change_password import ChangePassword, PasswordChange
from application.use_cases.confirm_password_reset import ConfirmPasswordReset
from application.use_cases.exchange_legacy_session import ExchangeLegacySession, LegacyExchange
from application.use_cases.log_in import Credentials, LogIn
from application.use_cases.request_password_reset import RequestPasswordReset
from domain.errors import AccountDisabled, InvalidLegacySession, LegacyRefusal, MalformedLegacySessionCookie
from domain.events import EventKind
from domain.legacy_sessions import UserKeyPath, UserLookup
from entrypoints.ioc.container import build_container
from entrypoints.settings.config import Settings
from entrypoints.settings.legacy import LegacyBridgeSettings
from tests.support.in_memory_tessera import PASSWORD, SETTINGS, Fakes, Tessera

pytestmark = pytest.mark.anyio
SESSION_ID = "ab" * 32
OUTDATED = f"plain-older-parameters${PASSWORD}"


class LegacyFake(Provider):
    scope = Scope.APP

    def __init__(self, clock: Clock, user_key: UserKeyPath) -> None:
        super().__init__()
        self.sessions = InMemoryLegacySessions(clock, user_key)

    @provide
    def legacy(self) -> LegacySessions:
        return self.sessions


class UnreachableUnitOfWork(InMemoryUnitOfWork):
    """tessera's own database, down."""

    async def __aenter__(self) -> Self:
        raise StorageUnavailable

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        pass


class Outage(Provider):
    uow = provide(UnreachableUnitOfWork, provides=UnitOfWork, scope=Scope.REQUEST)


class Bridge:
    def __init__(
        self, app: Tessera, lookup: UserLookup = UserLookup.ID, *extra: Provider, settings: Settings = SETTINGS
    ) -> None:
        user_key = {UserLookup.EMAIL: "email", UserLookup.LEGACY_ID: "passport.user"}.get(lookup, "user_id")
        bridge = LegacyBridgeSettings("file:///nonexistent", user_key=user_key, user_lookup=lookup)
        self.app = app
        self.fake = LegacyFake(app.clock, UserKeyPath.parse(user_key))
        fakes = Fakes(app.store, app.clock)
        self.events = fakes.events_sink
        self.container = build_container(replace(settings, legacy_bridge=bridge), fakes, self.fake, *extra)

    async def exchange(
        self, cookie: str | None = SESSION_ID, address: str | None = "203.0.113.7", user_agent: str | None = None
    ) -> TokenPair:
        async with self.container() as request:
            use_case = await request.get(ExchangeLegacySession)
            return await use_case.execute(LegacyExchange(cookie, address, user_agent))


@pytest.fixture
async def ada(app: Tessera) -> str:
    return str(next(iter(app.store.tables.users.values())).id)


async def test_an_exchange_opens_a_session_of_the_user_and_consumes_the_legacy_one(app: Tessera, ada: str) -> None:
    bridge = Bridge(app)
    bridge.fake.sessions.put(SESSION_ID, {"user_id": ada, "flash": []}, app.clock.now() + timedelta(days=1))
    pair = await bridge.exchange()
    assert SESSION_ID not in bridge.fake.sessions.stored
    session = app.session_of(pair)
    assert str(session.user_id) == ada and not session.is_revoked
    assert str(app.verify(pair.access_token).user_id) == ada
    event = bridge.events.events[-1]
    assert event.kind is EventKind.LEGACY_SESSION_EXCHANGED
    assert (str(event.user_id), event.session_id, event.client_address) == (ada, session.id, "203.0.113.7")
    assert SESSION_ID not in repr(bridge.events.events)


async def test_the_new_session_records_the_device_as_a_login_does(app: Tessera, ada: str) -> None:
    bridge = Bridge(app)
    bridge.fake.sessions.put(SESSION_ID, {"user_id": ada})
    session = app.session_of(await bridge.exchange(user_agent="Firefox/140.0"))
    assert (session.user_agent, session.client_address) == ("Firefox/140.0", "203.0.113.7")


async def test_a_disabled_user_is_refused_and_gets_no_session(app: Tessera, ada: str) -> None:
    user = next(iter(app.store.tables.users.values()))
    app.store.tables.users[user.id] = replace(user, disabled_at=app.clock.now())
    bridge = Bridge(app)
    bridge.fake.sessions.put(SESSION_ID, {"user_id": ada})
    with pytest.raises(AccountDisabled):
        await bridge.exchange()
    assert app.store.tables.sessions == {}
    assert bridge.events.events[-1].detail == "disabled"


async def test_the_user_can_be_found_by_email(app: Tessera, ada: str) -> None:
    bridge = Bridge(app, UserLookup.EMAIL)
    bridge.fake.sessions.put(SESSION_ID, {"email": "ADA@example.com"})
    assert str(app.session_of(await bridge.exchange()).user_id) == ada


async def test_the_user_can_be_found_by_the_id_they_had_in_the_legacy_app(app: Tessera, ada: str) -> None:
    """passport keeps the Express app's integer user id; the import kept it as the user's legacy_id."""
    user = next(iter(app.store.tables.users.values()))
    app.store.tables.users[user.id] = replace(user, legacy_id="42")
    bridge = Bridge(app, UserLookup.LEGACY_ID)
    bridge.fake.sessions.put(SESSION_ID, {"passport": {"user": 42}})
    assert str(app.session_of(await bridge.exchange()).user_id) == ada


async def test_a_legacy_id_no_imported_user_has_is_refused_as_no_user(app: Tessera) -> None:
    user = next(iter(app.store.tables.users.values()))
    app.store.tables.users[user.id] = replace(user, legacy_id="42")
    bridge = Bridge(app, UserLookup.LEGACY_ID)
    bridge.fake.sessions.put(SESSION_ID, {"passport": {"user": 43}})
    with pytest.raises(InvalidLegacySession):
        await bridge.exchange()
    assert bridge.events.events[-1].detail == "no_user"
    assert app.store.tables.sessions == {}


async def test_a_second_exchange_of_one_cookie_is_refused(app: Tessera, ada: str) -> None:
    bridge = Bridge(app)
    bridge.fake.sessions.put(SESSION_ID, {"user_id": ada})
    await bridge.exchange()
    with pytest.raises(InvalidLegacySession):
        await bridge.exchange()
    assert len(app.store.tables.sessions) == 1
    assert bridge.events.events[-1].detail == "unknown"


@pytest.mark.parametrize("data", [{}, {"user_id": None}, {"user_id": ""}, {"user_id": True}, {"user_id": ["x"]}])
async def test_an_anonymous_session_is_refused_for_naming_no_user(app: Tessera, data: dict[str, object]) -> None:
    bridge = Bridge(app)
    bridge.fake.sessions.put(SESSION_ID, data)
    with pytest.raises(InvalidLegacySession) as refused:
        await bridge.exchange()
    assert refused.value.reason is LegacyRefusal.NO_USER_REFERENCE
    assert app.store.tables.sessions == {}
    assert bridge.events.events[-1].detail == "no_user_reference"


@pytest.mark.parametrize(
    "data", [{"user_id": 42}, {"user_id": "not-a-uuid"}, {"user_id": "00000000-0000-0000-0000-0000000000ff"}]
)
async def test_a_session_naming_no_user_of_tessera_is_refused_like_an_unknown_one(
    app: Tessera, data: dict[str, object]
) -> None:
    bridge = Bridge(app)
    bridge.fake.sessions.put(SESSION_ID, data)
    with pytest.raises(InvalidLegacySession) as refused:
        await bridge.exchange()
    assert str(refused.value) == str(InvalidLegacySession(LegacyRefusal.UNKNOWN))
    assert app.store.tables.sessions == {}
    assert bridge.events.events[-1].detail == "no_user"


async def test_a_session_made_with_another_password_hash_than_tesseras_is_refused(app: Tessera, ada: str) -> None:
    bridge = Bridge(app)
    bridge.fake.sessions.put(SESSION_ID, {"user_id": ada})
    bridge.fake.sessions.password_hashes[SESSION_ID] = "pbkdf2_sha256$1$salt$the-hash-before-a-password-change"
    with pytest.raises(InvalidLegacySession):
        await bridge.exchange()
    assert app.store.tables.sessions == {}
    assert bridge.events.events[-1].detail == "password_changed"


async def test_a_session_made_with_the_password_hash_tessera_holds_is_exchanged(app: Tessera, ada: str) -> None:
    bridge = Bridge(app)
    bridge.fake.sessions.put(SESSION_ID, {"user_id": ada})
    bridge.fake.sessions.password_hashes[SESSION_ID] = next(iter(app.store.tables.users.values())).password_hash
    assert str(app.session_of(await bridge.exchange()).user_id) == ada


async def test_an_expired_legacy_session_is_refused(app: Tessera, ada: str) -> None:
    bridge = Bridge(app)
    bridge.fake.sessions.put(SESSION_ID, {"user_id": ada}, app.clock.now() + timedelta(seconds=5))
    app.clock.advance(timedelta(seconds=5))
    with pytest.raises(InvalidLegacySession):
        await bridge.exchange()
    assert bridge.events.events[-1].detail == "expired"
    assert SESSION_ID not in bridge.fake.sessions.stored


@pytest.mark.parametrize("cookie", [None, "", "null", "AB" * 32, "ab" * 31, "ab" * 33, "zz" * 32, "ab" * 31 + "é"])
async def test_a_missing_or_malformed_cookie_is_refused_before_the_store_is_asked(
    app: Tessera, cookie: str | None
) -> None:
    bridge = Bridge(app)
    bridge.fake.sessions.put(SESSION_ID, {"user_id": "x"})
    with pytest.raises(MalformedLegacySessionCookie):
        await bridge.exchange(cookie)
    assert SESSION_ID in bridge.fake.sessions.stored
    assert bridge.events.events[-1].detail == "malformed"


async def test_when_tesseras_database_is_down_the_legacy_session_is_put_back(app: Tessera, ada: str) -> None:
    bridge = Bridge(app, UserLookup.ID, Outage())
    expires = app.clock.now() + timedelta(hours=1)
    bridge.fake.sessions.put(SESSION_ID, {"user_id": ada}, expires)
    stored = bridge.fake.sessions.stored[SESSION_ID]
    with pytest.raises(StorageUnavailable):
        await bridge.exchange()
    assert bridge.fake.sessions.stored[SESSION_ID] == stored
    assert bridge.events.events[-1].detail == "unavailable"


async def _reset_link(app: Tessera) -> str:
    await app.run(RequestPasswordReset, "ada@example.com", "198.51.100.7")
    return app.outbox.sent[-1].body.split("token=", 1)[1].split()[0]


async def test_after_a_password_change_at_tessera_no_legacy_session_of_the_user_is_exchanged(
    app: Tessera, ada: str
) -> None:
    """A session the legacy app made, or makes later, proves the old password at most: a change at
    tessera (after a theft, say) voids them all, as it ends every tessera session."""
    caller = app.verify((await app.log_in()).access_token)
    await app.run(ChangePassword, caller, PasswordChange(PASSWORD, "a brand new passphrase", "198.51.100.7"))
    assert app.store.tables.users[caller.user_id].password_changed_at == app.clock.now()
    bridge = Bridge(app)
    bridge.fake.sessions.put(SESSION_ID, {"user_id": ada}, app.clock.now() + timedelta(days=1))
    with pytest.raises(InvalidLegacySession) as refused:
        await bridge.exchange()
    assert refused.value.reason is LegacyRefusal.PASSWORD_CHANGED
    assert bridge.events.events[-1].detail == "password_changed"
    assert [s.id for s in app.store.tables.sessions.values() if not s.is_revoked] == [caller.session_id]


async def test_after_a_password_reset_no_legacy_session_of_the_user_is_exchanged(app: Tessera, ada: str) -> None:
    await app.run(ConfirmPasswordReset, await _reset_link(app), "a brand new passphrase")
    assert next(iter(app.store.tables.users.values())).password_changed_at == app.clock.now()
    bridge = Bridge(app)
    bridge.fake.sessions.put(SESSION_ID, {"user_id": ada})
    with pytest.raises(InvalidLegacySession) as refused:
        await bridge.exchange()
    assert refused.value.reason is LegacyRefusal.PASSWORD_CHANGED
    assert app.store.tables.sessions == {}


async def test_a_login_that_rehashes_the_password_leaves_legacy_sessions_exchangeable(app: Tessera, ada: str) -> None:
    """The same password under a new hash is no change: the legacy app's sessions still prove it."""
    user = next(iter(app.store.tables.users.values()))
    app.store.tables.users[user.id] = replace(user, password_hash=OUTDATED)  # needs rehashing
    bridge = Bridge(app)  # the login in the bridge's process: one sequence of refresh tokens
    async with bridge.container() as request:
        await (await request.get(LogIn)).execute(Credentials("ada@example.com", PASSWORD))
    stored = app.store.tables.users[user.id]
    assert stored.password_hash != OUTDATED and stored.password_changed_at is None
    bridge.fake.sessions.put(SESSION_ID, {"user_id": ada})
    assert str(app.session_of(await bridge.exchange()).user_id) == ada
