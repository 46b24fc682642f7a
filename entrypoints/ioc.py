"""The composition root: every adapter bound to its port, chosen by configuration, in one place."""

from dishka import AsyncContainer, Provider, Scope, from_context, make_async_container, provide

from adapters.crypto.argon2_password_hasher import Argon2PasswordHasher
from adapters.memory.in_memory_revocation_view import InMemoryRevocationView
from adapters.observability.logging_security_events import LoggingSecurityEvents
from adapters.secrets_token_generator import SecretsTokenGenerator
from adapters.system_clock import SystemClock
from application.ports.clock import Clock
from application.ports.password_hasher import PasswordHasher
from application.ports.revocation_view import RevocationView
from application.ports.security_events import SecurityEvents
from application.ports.token_generator import TokenGenerator
from application.ports.token_verifier import TokenVerifier
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
from entrypoints.key_providers import FileKeysProvider, KeyProvider, SharedKeysProvider
from entrypoints.storage_providers import storage_provider


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
