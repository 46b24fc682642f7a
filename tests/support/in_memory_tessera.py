"""The use cases wired to the in-memory adapters and the fakes: no I/O, no cryptography, exact time."""

from collections.abc import Callable
from typing import Any, cast

import pytest
from dishka import Provider, Scope, provide

from adapters.memory.in_memory_mailer import InMemoryMailer
from adapters.memory.in_memory_security_events import InMemorySecurityEvents
from adapters.memory.in_memory_store import InMemoryStore
from adapters.memory.in_memory_unit_of_work import InMemoryUnitOfWork
from adapters.process.lru_profile_cache import LruProfileCache
from adapters.process.unix_socket_sibling_workers import UnixSocketSiblingWorkers
from application.ports.clock import Clock
from application.ports.mailer import Mailer
from application.ports.password_hasher import PasswordHasher
from application.ports.revocation_view import RevocationView
from application.ports.security_events import SecurityEvents
from application.ports.token_generator import TokenGenerator
from application.ports.token_signer import TokenSigner
from application.ports.token_verifier import TokenVerifier
from application.propagation import Propagation
from application.results import Principal, Profile, TokenPair
from application.use_cases.log_in import Credentials, LogIn
from application.use_cases.log_out import LogOut
from application.use_cases.log_out_by_refresh_token import LogOutByRefreshToken
from application.use_cases.log_out_everywhere import LogOutEverywhere
from application.use_cases.refresh_session import RefreshSession
from application.use_cases.register_user import RegisterUser, Registration
from application.use_cases.sync_replica import SyncReplica
from application.use_cases.verify_access_token import VerifyAccessToken
from domain.policy import TokenPolicy
from domain.sessions import RefreshToken, Session, hash_refresh_token
from entrypoints.ioc.container import build_container
from entrypoints.settings.config import Settings
from tests.support.fakes import (
    FixedClock,
    JsonTokenSigner,
    JsonTokenVerifier,
    PlainPasswordHasher,
    SequentialTokenGenerator,
)

PASSWORD = "correct horse battery"


class Fakes(Provider):
    """The ports that carry time, randomness, slowness and cryptography, replaced for exact tests."""

    scope = Scope.APP

    def __init__(self, store: InMemoryStore, clock: FixedClock) -> None:
        super().__init__()
        self._store, self._clock = store, clock
        self.hasher = PlainPasswordHasher()
        self.events_sink = InMemorySecurityEvents()
        self.outbox = InMemoryMailer()

    @provide
    def store(self) -> InMemoryStore:
        return self._store

    @provide
    def clock(self) -> Clock:
        return self._clock

    @provide
    def password_hasher(self) -> PasswordHasher:
        return self.hasher

    ids = provide(SequentialTokenGenerator, provides=TokenGenerator)

    @provide
    def mailer(self) -> Mailer:
        return self.outbox

    @provide
    def events(self) -> SecurityEvents:
        return self.events_sink

    signer = provide(JsonTokenSigner, provides=TokenSigner)
    verifier = provide(JsonTokenVerifier, provides=TokenVerifier)


SETTINGS = Settings(database_url="memory://", issuer="https://issuer.example", audience="tessera-api")


class Tessera:
    """One process of the service, built by the real composition root with the fakes swapped in:
    every use case shares one store, one clock and one revocation view."""

    store: InMemoryStore
    clock: FixedClock
    policy: TokenPolicy
    revocations: RevocationView
    verify: Callable[[str], Principal]

    @classmethod
    async def start(
        cls,
        store: InMemoryStore | None = None,
        clock: FixedClock | None = None,
        *overrides: Provider,
        settings: Settings = SETTINGS,
    ) -> "Tessera":
        """`overrides` replace more of the composition root (a storage whose commits fail, say);
        `settings` other lifetimes than the defaults."""
        self = cls()
        self.store = store or InMemoryStore()
        self.clock = clock or FixedClock()
        fakes = Fakes(self.store, self.clock)
        self.hasher = fakes.hasher
        self.events = fakes.events_sink
        self.outbox = fakes.outbox
        self.container = build_container(settings, fakes, *overrides)
        self.policy = await self.container.get(TokenPolicy)
        self.revocations = await self.container.get(RevocationView)
        self.verify = (await self.container.get(VerifyAccessToken)).execute
        return self

    async def _execute(self, use_case: type[Any], *args: Any) -> Any:
        async with self.container() as request:
            return await (await request.get(use_case)).execute(*args)

    async def run(self, use_case: type[Any], *args: Any) -> Any:
        """Any use case, in a request container of its own, as an entrypoint would run it."""
        return await self._execute(use_case, *args)

    async def register(self, registration: Registration) -> Profile:
        return cast(Profile, await self._execute(RegisterUser, registration))

    async def refresh(self, refresh_token: str) -> TokenPair:
        return cast(TokenPair, await self._execute(RefreshSession, refresh_token))

    async def log_out(self, principal: Principal) -> None:
        await self._execute(LogOut, principal)

    async def log_out_by_refresh_token(self, refresh_token: str) -> None:
        await self._execute(LogOutByRefreshToken, refresh_token)

    async def log_out_everywhere(self, principal: Principal) -> None:
        await self._execute(LogOutEverywhere, principal)

    def uow(self) -> InMemoryUnitOfWork:
        return InMemoryUnitOfWork(self.store)

    def load_revocations(self, into: RevocationView | None = None) -> SyncReplica:
        view = self.revocations if into is None else into  # not `or`: an empty view is falsy
        propagation = Propagation(view, LruProfileCache(), UnixSocketSiblingWorkers(None))
        return SyncReplica(self.uow(), propagation, self.clock, self.policy)

    async def restarted(self) -> "Tessera":
        """Another process over the same storage: an empty revocation view, nothing loaded yet."""
        return await Tessera.start(self.store, self.clock)

    async def log_in(self, email: str = "ada@example.com", password: str = PASSWORD) -> TokenPair:
        return cast(TokenPair, await self._execute(LogIn, Credentials(email, password)))

    async def log_in_from(self, address: str, email: str, password: str) -> TokenPair:
        return cast(TokenPair, await self._execute(LogIn, Credentials(email, password, address)))

    def record_of(self, refresh_token: str) -> RefreshToken:
        hashed = hash_refresh_token(refresh_token)
        return next(t for t in self.store.tables.refresh_tokens.values() if t.token_hash == hashed)

    def session_of(self, pair: TokenPair) -> Session:
        """Read from storage, not from the access token, so that it works for revoked sessions too."""
        return self.store.tables.sessions[self.record_of(pair.refresh_token).session_id]


@pytest.fixture
async def app() -> Tessera:
    """A fresh service with one registered user, ada@example.com."""
    app = await Tessera.start()
    await app.register(Registration("ada@example.com", PASSWORD, "Ada"))
    return app
