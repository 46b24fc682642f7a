"""tessera's configuration, and the domain policies it builds. Each default is stated once: on its domain
policy where it has one (the domain is what tests and benchmarks build without a `Settings`), else here."""

import os
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from adapters.sql.database import POSTGRES_POOL_SIZE
from domain.clients import TrustedClient
from domain.custom_claims import AllowedClaimNames
from domain.keys import KeyTimings
from domain.login_identifiers import LoginIdentifiers
from domain.policy import TokenPolicy
from domain.throttling import ThrottlePolicy
from entrypoints.settings.environment import SameSite
from entrypoints.settings.legacy import LegacyBridgeSettings
from entrypoints.settings.mail import MailSettings
from entrypoints.settings.schedule import Schedule

_TOKENS = TokenPolicy(issuer="http://localhost:8000", audience="tessera")
_THROTTLE = ThrottlePolicy()
_KEYS = KeyTimings()


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str = "sqlite+aiosqlite:///tessera.db"
    listen_database_url: str | None = None
    """Set (TESSERA_LISTEN_DATABASE_URL): where the change listener LISTENs, PostgreSQL itself, when
    `database_url` goes through a transaction pooler (`?pooler=pgbouncer`); unset, `database_url`."""
    database_pool_size: int = POSTGRES_POOL_SIZE
    """PostgreSQL connections each process keeps (TESSERA_DATABASE_POOL_SIZE, 1 to 100); SQLite keeps one."""
    issuer: str = _TOKENS.issuer
    audience: str = _TOKENS.audience
    access_ttl: timedelta = _TOKENS.access_ttl
    refresh_ttl: timedelta = _TOKENS.refresh_ttl
    leeway: timedelta = _TOKENS.leeway
    refresh_grace: timedelta = _TOKENS.refresh_grace
    session_max_age: timedelta = _TOKENS.session_max_age
    short_session_max_age: timedelta = _TOKENS.short_session_max_age
    """The absolute lifetime of a session opened with `remember: false`."""
    custom_claim_names: tuple[str, ...] = ()
    """Set (TESSERA_CUSTOM_CLAIM_NAMES=a,b): only these custom claims may be set on users, and issued."""
    signing_alg: str = "RS256"
    signing_key_file: Path | None = None
    dev_key_file: Path = Path("tessera-dev-signing-key.jwk")
    argon2_time_cost: int = 2
    argon2_memory_kib: int = 19456
    argon2_parallelism: int = 1
    """argon2id at 19 MiB, 2 iterations, 1 lane: the first of OWASP's recommended parameter sets (its
    Password Storage Cheat Sheet). The stronger profile that docs/deployment.md documents (64 MiB, 3
    iterations) costs about eight times the CPU per login, and 3.4 times the memory. A change rehashes
    each password at its owner's next login."""
    argon2_concurrency: int = max(1, (os.cpu_count() or 2) - 1)
    foreign_hash_concurrency: int = 1
    """How many imported (foreign) hashes verify at once, apart from the argon2id ones."""
    login_max_failures_per_account_address: int = _THROTTLE.max_failures_per_account_address
    login_max_failures_per_account: int = _THROTTLE.max_failures_per_account
    login_max_failures_per_address: int = _THROTTLE.max_failures_per_address
    login_failure_window: timedelta = _THROTTLE.window
    registration_max_per_address: int = _THROTTLE.max_registrations_per_address
    password_reset_max_per_address: int = _THROTTLE.max_password_resets_per_address
    """Reset requests per client network within the login failure window before 429."""
    registration_window: timedelta = _THROTTLE.registration_window
    login_identifiers: LoginIdentifiers = field(default_factory=LoginIdentifiers)
    """TESSERA_LOGIN_IDENTIFIERS: what a login may name the account by (`email`, or `email,username`)."""
    cookie_same_site: SameSite = "strict"
    allowed_origins: tuple[str, ...] = ()
    schema_pages: bool = False
    """On (TESSERA_SCHEMA_PAGES=true): /schema/redoc, a page that loads a pinned, SRI-checked script from a CDN."""
    key_encryption_key: str | None = None
    """Set: the signing keys live in the database, sealed under it, shared by every replica."""
    key_propagation: timedelta = _KEYS.propagation
    key_reload: timedelta = _KEYS.reload
    jwks_max_age: timedelta | None = _KEYS.jwks_max_age
    """The JWKS `Cache-Control: max-age`; None derives it (see `KeyTimings.jwks_lifetime`)."""
    revocation_poll: timedelta = timedelta(seconds=1)
    revocation_lookback: timedelta = timedelta(seconds=30)
    purge_interval: timedelta | None = timedelta(hours=1)
    forwarded_allow_ips: tuple[str, ...] = ()
    """Proxies whose X-Forwarded-For / -Proto are believed: the client address that throttling counts."""
    mail: MailSettings = field(default_factory=MailSettings)
    """TESSERA_SMTP_URL, TESSERA_MAIL_FROM, TESSERA_PASSWORD_RESET_URL: password-reset mail."""
    legacy_bridge: LegacyBridgeSettings | None = None
    """Set (TESSERA_LEGACY_*): POST /auth/session/exchange turns legacy sessions into tessera's."""
    oauth_clients: tuple[TrustedClient, ...] = ()
    """Trusted backend clients of /oauth/introspect and /oauth/revoke: ids and SHA-256 of their secrets."""
    verified_token_cache: int = 50_000
    """Access tokens whose signature and claims each process remembers (about 1.5 KiB each)."""
    profile_cache: int = 50_000
    """User profiles each process remembers for `GET /api/user/profile` (a few hundred bytes each)."""
    metrics_address: tuple[str, int] | None = None
    """Set (TESSERA_METRICS_ADDRESS=host:port): `tessera serve` exposes Prometheus metrics there; unset, nowhere."""
    worker_sockets: Path | None = None
    """Set by `tessera serve --workers N` for its workers: where they tell each other of changes."""

    def token_policy(self) -> TokenPolicy:
        return TokenPolicy(
            issuer=self.issuer,
            audience=self.audience,
            access_ttl=self.access_ttl,
            refresh_ttl=self.refresh_ttl,
            leeway=self.leeway,
            refresh_grace=self.refresh_grace,
            session_max_age=self.session_max_age,
            short_session_max_age=self.short_session_max_age,
            custom_claim_names=AllowedClaimNames(
                frozenset(self.custom_claim_names) if self.custom_claim_names else None
            ),
        )

    def throttle_policy(self) -> ThrottlePolicy:
        """Raises `ThrottleLetsOneAddressLockOut` if the account limit breaks the rule (`from_env` refuses it first)."""
        return ThrottlePolicy(
            max_failures_per_account_address=self.login_max_failures_per_account_address,
            max_failures_per_account=self.login_max_failures_per_account,
            max_failures_per_address=self.login_max_failures_per_address,
            window=self.login_failure_window,
            max_registrations_per_address=self.registration_max_per_address,
            max_password_resets_per_address=self.password_reset_max_per_address,
            registration_window=self.registration_window,
        )

    def key_timings(self) -> KeyTimings:
        """Raises `JwksOutlivesPropagation` if `jwks_max_age` breaks the rule (`from_env` refuses it first)."""
        return KeyTimings(propagation=self.key_propagation, reload=self.key_reload, jwks_max_age=self.jwks_max_age)

    def schedule(self) -> Schedule:
        """Keys are reloaded only when they live in the database: a key file changes only with a restart."""
        return Schedule(
            revocation_poll=self.revocation_poll,
            revocation_lookback=self.revocation_lookback,
            key_reload=self.key_reload if self.key_encryption_key else None,
            purge=self.purge_interval,
        )

    @property
    def uses_development_key(self) -> bool:
        """No signing key configured, neither a key file nor shared keys: tessera signs with the development
        key and warns so at every start. This is what "development" means to tessera, and nothing else."""
        return self.signing_key_file is None and self.key_encryption_key is None

    @property
    def password_reset_by_mail(self) -> bool:
        """An SMTP server to mail the link, or development, where the log stands in for the mail (the link
        written there). Otherwise the reset routes answer 501: in production the log is read by more
        people than the account's owner, and anyone could put a working link for any account in it."""
        return self.mail.smtp is not None or self.uses_development_key

    @property
    def jwks_cache_lifetime(self) -> timedelta:
        return self.key_timings().jwks_lifetime
