"""The application-wide objects: settings, clock, policies, hashing, and what one process remembers."""

from collections.abc import AsyncIterator

from dishka import Provider, Scope, from_context, provide

from adapters.crypto.argon2_password_hasher import Argon2PasswordHasher
from adapters.mail.logging_mailer import DiscardingMailer, LoggingMailer
from adapters.mail.smtp_mailer import SmtpMailer
from adapters.observability.logging_security_events import LoggingSecurityEvents
from adapters.observability.prometheus_security_event_metrics import PrometheusSecurityEventMetrics
from adapters.process.lru_profile_cache import LruProfileCache
from adapters.process.process_revocation_view import ProcessRevocationView
from adapters.process.unix_socket_sibling_workers import UnixSocketSiblingWorkers
from adapters.secrets_token_generator import SecretsTokenGenerator
from adapters.system_clock import SystemClock
from application.ports.clock import Clock
from application.ports.event_dispatcher import EventDispatcher
from application.ports.mailer import Mailer
from application.ports.password_hasher import PasswordHasher
from application.ports.profile_cache import ProfileCache
from application.ports.revocation_view import RevocationView
from application.ports.security_event_metrics import SecurityEventMetrics
from application.ports.security_events import SecurityEvents
from application.ports.sibling_workers import SiblingWorkers
from application.ports.token_generator import TokenGenerator
from application.propagation import Propagation
from application.routing_event_dispatcher import RoutingEventDispatcher
from application.session_revoker import SessionRevoker
from application.user_changes import UserChanges
from domain.clients import TrustedClients
from domain.login_identifiers import LoginIdentifiers
from domain.password_resets import ResetLinkTemplate
from domain.policy import TokenPolicy
from domain.revocation_feed import RevocationFeed
from domain.throttling import ThrottlePolicy
from entrypoints.settings.browser import BrowserPolicy
from entrypoints.settings.config import Settings


class CoreProvider(Provider):
    scope = Scope.APP

    settings = from_context(provides=Settings, scope=Scope.APP)
    clock = provide(SystemClock, provides=Clock)
    events = provide(LoggingSecurityEvents, provides=SecurityEvents)
    event_metrics = provide(PrometheusSecurityEventMetrics, provides=SecurityEventMetrics)
    ids = provide(SecretsTokenGenerator, provides=TokenGenerator)
    propagation = provide(Propagation)
    dispatcher = provide(RoutingEventDispatcher, provides=EventDispatcher)
    revoker = provide(SessionRevoker)
    user_changes = provide(UserChanges)

    @provide
    def policy(self, settings: Settings) -> TokenPolicy:
        return settings.token_policy()

    @provide
    def revocation_feed(self, policy: TokenPolicy, settings: Settings) -> RevocationFeed:
        """The feed's margin is the replicas' own look-back: the same late commits and clock skew."""
        return RevocationFeed(policy.revocation_window, settings.revocation_lookback)

    @provide
    def throttling(self, settings: Settings) -> ThrottlePolicy:
        return settings.throttle_policy()

    @provide
    def login_identifiers(self, settings: Settings) -> LoginIdentifiers:
        return settings.login_identifiers

    @provide
    def trusted_clients(self, settings: Settings) -> TrustedClients:
        return TrustedClients(settings.oauth_clients)

    @provide
    def browser_policy(self, settings: Settings) -> BrowserPolicy:
        return BrowserPolicy.from_settings(settings)

    @provide
    def password_hasher(self, settings: Settings) -> PasswordHasher:
        return configured_password_hasher(settings)

    @provide
    def reset_link_template(self, settings: Settings) -> ResetLinkTemplate:
        return settings.mail.reset_link_template()

    @provide
    async def mailer(self, settings: Settings) -> AsyncIterator[Mailer]:
        """SMTP when TESSERA_SMTP_URL is set, its queued deliveries awaited at shutdown; otherwise mail
        goes to the log in development, and nowhere outside it (the reset routes are off there: 501)."""
        if settings.mail.smtp is None:
            yield LoggingMailer() if settings.uses_development_key else DiscardingMailer()
            return
        mailer = SmtpMailer(settings.mail.smtp, settings.mail.sender)
        yield mailer
        await mailer.drain()

    @provide
    def revocation_view(self, policy: TokenPolicy) -> RevocationView:
        return ProcessRevocationView(policy.revocation_window)

    @provide
    def profile_cache(self, settings: Settings) -> ProfileCache:
        return LruProfileCache(settings.profile_cache)

    @provide
    def sibling_sockets(self, settings: Settings) -> UnixSocketSiblingWorkers:
        return UnixSocketSiblingWorkers(settings.worker_sockets)

    @provide
    def siblings(self, sockets: UnixSocketSiblingWorkers) -> SiblingWorkers:
        return sockets


def configured_password_hasher(settings: Settings) -> Argon2PasswordHasher:
    """argon2id at the configured parameters and bounds: the one place a hasher is built from settings."""
    return Argon2PasswordHasher(
        time_cost=settings.argon2_time_cost,
        memory_cost_kib=settings.argon2_memory_kib,
        parallelism=settings.argon2_parallelism,
        concurrency=settings.argon2_concurrency,
        foreign_concurrency=settings.foreign_hash_concurrency,
    )
