"""The use cases wired to the in-memory adapters and the fakes: no I/O, no cryptography, exact time."""

import pytest

from adapters.memory.in_memory_revocation_view import InMemoryRevocationView
from adapters.memory.in_memory_store import InMemoryStore
from adapters.memory.in_memory_unit_of_work import InMemoryUnitOfWork
from application.results import TokenPair
from application.token_pairs import TokenPairIssuer
from application.use_cases.load_revocations import LoadRevocations
from application.use_cases.log_in import Credentials, LogIn
from application.use_cases.log_out import LogOut
from application.use_cases.log_out_everywhere import LogOutEverywhere
from application.use_cases.refresh_session import RefreshSession
from application.use_cases.register_user import RegisterUser, Registration
from application.use_cases.verify_access_token import VerifyAccessToken
from domain.policy import TokenPolicy
from domain.sessions import RefreshToken, Session, hash_refresh_token
from tests.fakes import FixedClock, JsonTokenSigner, JsonTokenVerifier, PlainPasswordHasher, SequentialTokenGenerator

PASSWORD = "correct horse battery"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


class Tessera:
    """One process of the service: every use case sharing one store, one clock and one revocation view."""

    def __init__(self, store: InMemoryStore | None = None, clock: FixedClock | None = None) -> None:
        self.policy = TokenPolicy(issuer="https://issuer.example", audience="tessera-api")
        self.store = store or InMemoryStore()
        self.clock = clock or FixedClock()
        self.hasher = PlainPasswordHasher()
        self.revocations = InMemoryRevocationView(self.policy.revocation_window)
        ids = SequentialTokenGenerator()
        issuer = TokenPairIssuer(JsonTokenSigner(), ids, self.clock, self.policy)
        self.register = RegisterUser(self.uow(), self.hasher, ids, self.clock).execute
        self._log_in = LogIn(self.uow(), self.hasher, issuer, ids, self.clock).execute
        self.refresh = RefreshSession(self.uow(), issuer, self.revocations, self.clock).execute
        self.verify = VerifyAccessToken(JsonTokenVerifier(), self.revocations, self.clock, self.policy).execute
        self.log_out = LogOut(self.uow(), self.revocations, self.clock).execute
        self.log_out_everywhere = LogOutEverywhere(self.uow(), self.revocations, self.clock).execute

    def uow(self) -> InMemoryUnitOfWork:
        return InMemoryUnitOfWork(self.store)

    def load_revocations(self, into: InMemoryRevocationView | None = None) -> LoadRevocations:
        view = self.revocations if into is None else into  # not `or`: an empty view is falsy
        return LoadRevocations(self.uow(), view, self.clock, self.policy)

    def restarted(self) -> "Tessera":
        """Another process over the same storage: an empty revocation view, nothing loaded yet."""
        return Tessera(self.store, self.clock)

    async def log_in(self, email: str = "ada@example.com", password: str = PASSWORD) -> TokenPair:
        return await self._log_in(Credentials(email, password))

    def record_of(self, refresh_token: str) -> RefreshToken:
        hashed = hash_refresh_token(refresh_token)
        return next(t for t in self.store.tables.refresh_tokens.values() if t.token_hash == hashed)

    def session_of(self, pair: TokenPair) -> Session:
        """Read from storage, not from the access token, so that it works for revoked sessions too."""
        return self.store.tables.sessions[self.record_of(pair.refresh_token).session_id]


@pytest.fixture
async def app() -> Tessera:
    """A fresh service with one registered user, ada@example.com."""
    app = Tessera()
    await app.register(Registration("ada@example.com", PASSWORD, "Ada"))
    return app
