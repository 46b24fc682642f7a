"""The composition root: every adapter bound to its port, chosen by configuration, in one place."""

from collections.abc import AsyncIterator

from dishka import AsyncContainer, Provider, Scope, from_context, make_async_container, provide
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from adapters.crypto.argon2_password_hasher import Argon2PasswordHasher
from adapters.crypto.caching_token_verifier import CachingTokenVerifier
from adapters.crypto.joserfc_key_vault import JoserfcKeyVault, key_encryption_key
from adapters.crypto.joserfc_token_signer import JoserfcTokenSigner
from adapters.crypto.joserfc_token_verifier import JoserfcTokenVerifier
from adapters.crypto.signing_keys import SigningKeySet, load_or_create_dev_key, read_private_key
from adapters.memory.in_memory_revocation_view import InMemoryRevocationView
from adapters.memory.in_memory_storage_health import InMemoryStorageHealth
from adapters.memory.in_memory_store import InMemoryStore
from adapters.memory.in_memory_unit_of_work import InMemoryUnitOfWork
from adapters.observability.logging_security_events import LoggingSecurityEvents
from adapters.secrets_token_generator import SecretsTokenGenerator
from adapters.sql.database import create_engine, session_factory
from adapters.sql.sql_storage_health import SqlStorageHealth
from adapters.sql.sql_unit_of_work import SqlUnitOfWork
from adapters.system_clock import SystemClock
from application.ports.clock import Clock
from application.ports.key_vault import KeyVault
from application.ports.password_hasher import PasswordHasher
from application.ports.public_keys import PublicKeys
from application.ports.revocation_view import RevocationView
from application.ports.security_events import SecurityEvents
from application.ports.storage_health import StorageHealth
from application.ports.token_generator import TokenGenerator
from application.ports.token_signer import TokenSigner
from application.ports.token_verifier import TokenVerifier
from application.ports.unit_of_work import UnitOfWork
from application.token_lookup import TokenLookup
from application.token_pairs import TokenPairIssuer
from application.use_cases.authenticate_client import AuthenticateClient
from application.use_cases.disable_user import DisableUser
from application.use_cases.enable_user import EnableUser
from application.use_cases.end_session import EndSession
from application.use_cases.end_user_sessions import EndUserSessions
from application.use_cases.get_profile import GetProfile
from application.use_cases.grant_role import GrantRole
from application.use_cases.introspect_token import IntrospectToken
from application.use_cases.list_sessions import ListSessions
from application.use_cases.list_users import ListUsers
from application.use_cases.load_revocations import LoadRevocations
from application.use_cases.log_in import LogIn
from application.use_cases.log_out import LogOut
from application.use_cases.log_out_by_refresh_token import LogOutByRefreshToken
from application.use_cases.log_out_everywhere import LogOutEverywhere
from application.use_cases.manage_signing_keys import SigningKeys
from application.use_cases.purge_expired import PurgeExpired
from application.use_cases.refresh_session import RefreshSession
from application.use_cases.register_user import RegisterUser
from application.use_cases.revoke_role import RevokeRole
from application.use_cases.revoke_token import RevokeToken
from application.use_cases.verify_access_token import REMEMBERED_TOKENS, VerifyAccessToken
from domain.clients import TrustedClients
from domain.policy import TokenPolicy
from domain.throttling import ThrottlePolicy
from entrypoints.config import Settings
from entrypoints.environment import ConfigError

MEMORY_DATABASE_URL = "memory://"


class CoreProvider(Provider):
    settings = from_context(provides=Settings, scope=Scope.APP)
    clock = provide(SystemClock, provides=Clock, scope=Scope.APP)
    events = provide(LoggingSecurityEvents, provides=SecurityEvents, scope=Scope.APP)
    ids = provide(SecretsTokenGenerator, provides=TokenGenerator, scope=Scope.APP)

    @provide(scope=Scope.APP)
    def policy(self, settings: Settings) -> TokenPolicy:
        return TokenPolicy(
            issuer=settings.issuer,
            audience=settings.audience,
            access_ttl=settings.access_ttl,
            refresh_ttl=settings.refresh_ttl,
            leeway=settings.leeway,
            refresh_grace=settings.refresh_grace,
        )

    @provide(scope=Scope.APP)
    def throttling(self, settings: Settings) -> ThrottlePolicy:
        return ThrottlePolicy(
            max_failures_per_account=settings.login_max_failures_per_account,
            max_failures_per_address=settings.login_max_failures_per_address,
            window=settings.login_failure_window,
        )

    @provide(scope=Scope.APP)
    def trusted_clients(self, settings: Settings) -> TrustedClients:
        return TrustedClients(settings.oauth_clients)

    @provide(scope=Scope.APP)
    def password_hasher(self, settings: Settings) -> PasswordHasher:
        return Argon2PasswordHasher(
            time_cost=settings.argon2_time_cost,
            memory_cost_kib=settings.argon2_memory_kib,
            parallelism=settings.argon2_parallelism,
            concurrency=settings.argon2_concurrency,
        )

    @provide(scope=Scope.APP)
    def revocation_view(self, policy: TokenPolicy) -> RevocationView:
        return InMemoryRevocationView(policy.revocation_window)


def load_signing_keys(settings: Settings) -> SigningKeySet:
    """The configured key file, or else the development key (made on first start)."""
    if settings.signing_key_file is None:
        return SigningKeySet(load_or_create_dev_key(settings.dev_key_file, settings.signing_alg), settings.signing_alg)
    return SigningKeySet(read_private_key(settings.signing_key_file, settings.signing_alg), settings.signing_alg)


class KeyProvider(Provider):
    scope = Scope.APP

    @provide
    def publish(self, keys: SigningKeySet) -> PublicKeys:
        return keys

    signer = provide(JoserfcTokenSigner, provides=TokenSigner)

    @provide
    def verifier(self, keys: SigningKeySet) -> TokenVerifier:
        return CachingTokenVerifier(JoserfcTokenVerifier(keys), keys)


class FileKeysProvider(Provider):
    """One key from TESSERA_SIGNING_KEY_FILE, or the development key; it changes only with a restart."""

    scope = Scope.APP

    @provide
    def signing_keys(self, settings: Settings) -> SigningKeySet:
        return load_signing_keys(settings)


class SharedKeysProvider(Provider):
    """Keys in the database, sealed under TESSERA_KEY_ENCRYPTION_KEY, reloaded by every replica."""

    @provide(scope=Scope.APP)
    def signing_keys(self) -> SigningKeySet:
        return SigningKeySet()  # filled at start-up, and on every reload, by SigningKeys

    @provide(scope=Scope.APP)
    def vault(self, keys: SigningKeySet, settings: Settings) -> KeyVault:
        assert settings.key_encryption_key is not None
        return JoserfcKeyVault(keys, key_encryption_key(settings.key_encryption_key))

    manager = provide(SigningKeys, scope=Scope.REQUEST)


class PreloadedKeys(Provider):
    """Keys already loaded (and so checked) before the server starts: they are loaded only once."""

    scope = Scope.APP

    def __init__(self, keys: SigningKeySet) -> None:
        super().__init__()
        self._keys = keys

    @provide
    def signing_keys(self) -> SigningKeySet:
        return self._keys


class SqlStorageProvider(Provider):
    @provide(scope=Scope.APP)
    async def engine(self, settings: Settings) -> AsyncIterator[AsyncEngine]:
        engine = create_engine(settings.database_url)
        yield engine
        await engine.dispose()

    @provide(scope=Scope.APP)
    def sessions(self, engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
        return session_factory(engine)

    uow = provide(SqlUnitOfWork, provides=UnitOfWork, scope=Scope.REQUEST)
    health = provide(SqlStorageHealth, provides=StorageHealth, scope=Scope.APP)


class MemoryStorageProvider(Provider):
    @provide(scope=Scope.APP)
    def store(self) -> InMemoryStore:
        return InMemoryStore()

    uow = provide(InMemoryUnitOfWork, provides=UnitOfWork, scope=Scope.REQUEST)
    health = provide(InMemoryStorageHealth, provides=StorageHealth, scope=Scope.APP)


class UseCaseProvider(Provider):
    scope = Scope.REQUEST

    issuer = provide(TokenPairIssuer, scope=Scope.APP)
    register_user = provide(RegisterUser)
    log_in = provide(LogIn)
    refresh_session = provide(RefreshSession)
    log_out = provide(LogOut)
    log_out_everywhere = provide(LogOutEverywhere)
    log_out_by_refresh_token = provide(LogOutByRefreshToken)
    get_profile = provide(GetProfile)
    token_lookup = provide(TokenLookup, scope=Scope.APP)
    authenticate_client = provide(AuthenticateClient, scope=Scope.APP)
    introspect_token = provide(IntrospectToken)
    revoke_token = provide(RevokeToken)
    load_revocations = provide(LoadRevocations)
    purge_expired = provide(PurgeExpired)
    list_sessions = provide(ListSessions)
    end_session = provide(EndSession)
    list_users = provide(ListUsers)
    disable_user = provide(DisableUser)
    enable_user = provide(EnableUser)
    end_user_sessions = provide(EndUserSessions)
    grant_role = provide(GrantRole)
    revoke_role = provide(RevokeRole)

    @provide(scope=Scope.APP)
    def verify_access_token(
        self, verifier: TokenVerifier, revocations: RevocationView, clock: Clock, policy: TokenPolicy
    ) -> VerifyAccessToken:
        return VerifyAccessToken(verifier, revocations, clock, policy, remember=REMEMBERED_TOKENS)


def storage_provider(settings: Settings) -> Provider:
    if settings.database_url == MEMORY_DATABASE_URL:
        return MemoryStorageProvider()
    if settings.database_url.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
        return SqlStorageProvider()
    raise ConfigError("DATABASE_URL", "must be a sqlite://, postgresql:// or memory:// URL")


def legacy_bridge_providers(settings: Settings) -> list[Provider]:
    """The legacy-session bridge, only when configured: its modules are not even imported otherwise."""
    if settings.legacy_bridge is None:
        return []
    from entrypoints.legacy_ioc import LegacyBridgeProvider

    return [LegacyBridgeProvider(settings.legacy_bridge)]


def build_container(settings: Settings, *overrides: Provider) -> AsyncContainer:
    """Later providers win: tests pass their own (a fixed clock, say) as overrides."""
    return make_async_container(
        CoreProvider(),
        KeyProvider(),
        SharedKeysProvider() if settings.key_encryption_key else FileKeysProvider(),
        storage_provider(settings),
        UseCaseProvider(),
        *legacy_bridge_providers(settings),
        *overrides,
        context={Settings: settings},
    )
