"""Configuration from `TESSERA_*` environment variables. A bad value stops start-up with one line naming it."""

import os
from collections.abc import Mapping
from datetime import timedelta

from adapters.crypto.signing_keys import SUPPORTED_ALGORITHMS
from domain.key_errors import JwksOutlivesPropagation
from domain.throttling import ThrottleLetsOneAddressLockOut
from entrypoints.backends.registry import listen_url_refused
from entrypoints.settings.config import Settings
from entrypoints.settings.environment import ConfigError, Env
from entrypoints.settings.legacy import legacy_bridge_from_env
from entrypoints.settings.mail import mail_settings_from_env


def settings_from_env(environ: Mapping[str, str] | None = None) -> Settings:
    """The settings the `TESSERA_*` variables give (the process's own environment by default); a
    variable set wrong raises `ConfigError` naming it."""
    env = Env(os.environ if environ is None else environ)
    defaults = Settings()
    settings = Settings(
        database_url=env.database_url("DATABASE_URL", defaults.database_url),
        listen_database_url=env.optional_database_url("LISTEN_DATABASE_URL"),
        database_pool_size=env.integer("DATABASE_POOL_SIZE", defaults.database_pool_size, low=1, high=100),
        issuer=env.text("ISSUER", defaults.issuer),
        audience=env.text("AUDIENCE", defaults.audience),
        access_ttl=env.seconds("ACCESS_TTL_SECONDS", defaults.access_ttl, low=2, high=24 * 3600),
        refresh_ttl=env.seconds("REFRESH_TTL_SECONDS", defaults.refresh_ttl, low=60, high=365 * 24 * 3600),
        leeway=env.seconds("LEEWAY_SECONDS", defaults.leeway, low=0, high=60),
        refresh_grace=env.seconds("REFRESH_GRACE_SECONDS", defaults.refresh_grace, low=0, high=60),
        session_max_age=env.seconds(
            "SESSION_MAX_AGE_SECONDS", defaults.session_max_age, low=60, high=10 * 365 * 24 * 3600
        ),
        short_session_max_age=env.seconds(
            "SESSION_SHORT_MAX_AGE_SECONDS", defaults.short_session_max_age, low=60, high=10 * 365 * 24 * 3600
        ),
        custom_claim_names=env.claim_names("CUSTOM_CLAIM_NAMES"),
        signing_alg=env.choice("SIGNING_ALG", defaults.signing_alg, SUPPORTED_ALGORITHMS),
        signing_key_file=env.path("SIGNING_KEY_FILE"),
        dev_key_file=env.path("DEV_KEY_FILE") or defaults.dev_key_file,
        argon2_time_cost=env.integer("ARGON2_TIME_COST", defaults.argon2_time_cost, low=1, high=20),
        argon2_memory_kib=env.integer("ARGON2_MEMORY_KIB", defaults.argon2_memory_kib, low=8, high=4 * 1024 * 1024),
        argon2_parallelism=env.integer("ARGON2_PARALLELISM", defaults.argon2_parallelism, low=1, high=64),
        argon2_concurrency=env.integer("ARGON2_CONCURRENCY", defaults.argon2_concurrency, low=1, high=256),
        foreign_hash_concurrency=env.integer(
            "FOREIGN_HASH_CONCURRENCY", defaults.foreign_hash_concurrency, low=1, high=256
        ),
        login_max_failures_per_account_address=env.integer(
            "LOGIN_MAX_FAILURES_PER_ACCOUNT_ADDRESS", defaults.login_max_failures_per_account_address, low=1, high=1_000
        ),
        login_max_failures_per_account=env.integer(
            "LOGIN_MAX_FAILURES_PER_ACCOUNT", defaults.login_max_failures_per_account, low=1, high=10_000
        ),
        login_max_failures_per_address=env.integer(
            "LOGIN_MAX_FAILURES_PER_ADDRESS", defaults.login_max_failures_per_address, low=1, high=1_000_000
        ),
        login_failure_window=env.seconds(
            "LOGIN_FAILURE_WINDOW_SECONDS", defaults.login_failure_window, low=1, high=24 * 3600
        ),
        registration_max_per_address=env.integer(
            "REGISTRATION_MAX_PER_ADDRESS", defaults.registration_max_per_address, low=1, high=1_000_000
        ),
        password_reset_max_per_address=env.integer(
            "PASSWORD_RESET_MAX_PER_ADDRESS", defaults.password_reset_max_per_address, low=1, high=1_000_000
        ),
        registration_window=env.seconds(
            "REGISTRATION_WINDOW_SECONDS", defaults.registration_window, low=1, high=7 * 24 * 3600
        ),
        login_identifiers=env.login_identifiers("LOGIN_IDENTIFIERS", defaults.login_identifiers),
        cookie_same_site=env.same_site("COOKIE_SAMESITE", defaults.cookie_same_site),
        allowed_origins=env.origins("ALLOWED_ORIGINS"),
        schema_pages=env.choice("SCHEMA_PAGES", "false", ("true", "false")) == "true",
        key_encryption_key=env.secret("KEY_ENCRYPTION_KEY"),
        key_propagation=env.seconds("KEY_PROPAGATION_SECONDS", defaults.key_propagation, low=0, high=7 * 86400),
        key_reload=env.seconds("KEY_RELOAD_SECONDS", defaults.key_reload, low=1, high=3600),
        jwks_max_age=env.optional_seconds("JWKS_MAX_AGE_SECONDS", low=0, high=86400),
        revocation_poll=env.seconds("REVOCATION_POLL_SECONDS", defaults.revocation_poll, low=1, high=60),
        revocation_lookback=env.seconds("REVOCATION_LOOKBACK_SECONDS", defaults.revocation_lookback, low=2, high=3600),
        purge_interval=env.seconds(
            "PURGE_INTERVAL_SECONDS", defaults.purge_interval or timedelta(0), low=0, high=7 * 86400
        )
        or None,
        forwarded_allow_ips=env.networks("FORWARDED_ALLOW_IPS"),
        mail=mail_settings_from_env(env),
        legacy_bridge=legacy_bridge_from_env(env),
        oauth_clients=env.clients("OAUTH_CLIENTS"),
        verified_token_cache=env.integer("VERIFIED_TOKEN_CACHE", defaults.verified_token_cache, low=1, high=10_000_000),
        profile_cache=env.integer("PROFILE_CACHE", defaults.profile_cache, low=1, high=10_000_000),
        metrics_address=env.host_port("METRICS_ADDRESS"),
        worker_sockets=env.path("WORKER_SOCKETS"),
    )
    if (refused := listen_url_refused(settings.database_url, settings.listen_database_url)) is not None:
        raise ConfigError("LISTEN_DATABASE_URL", refused)
    if settings.argon2_memory_kib < 8 * settings.argon2_parallelism:
        raise ConfigError("ARGON2_MEMORY_KIB", "must be at least 8 × TESSERA_ARGON2_PARALLELISM (argon2's minimum)")
    if settings.revocation_lookback <= 2 * settings.revocation_poll:
        raise ConfigError("REVOCATION_LOOKBACK_SECONDS", "must be more than twice TESSERA_REVOCATION_POLL_SECONDS")
    if settings.signing_key_file is not None and settings.key_encryption_key is not None:
        raise ConfigError("KEY_ENCRYPTION_KEY", "cannot be set together with TESSERA_SIGNING_KEY_FILE")
    try:
        settings.key_timings()
    except JwksOutlivesPropagation as error:
        raise ConfigError(
            "JWKS_MAX_AGE_SECONDS",
            "must be at most TESSERA_KEY_PROPAGATION_SECONDS minus TESSERA_KEY_RELOAD_SECONDS "
            f"({int(error.longest.total_seconds())}), or a verifier may meet a token signed by a key it has "
            "not fetched",
        ) from None
    try:
        settings.throttle_policy()
    except ThrottleLetsOneAddressLockOut:
        raise ConfigError(
            "LOGIN_MAX_FAILURES_PER_ACCOUNT",
            "must be more than twice TESSERA_LOGIN_MAX_FAILURES_PER_ACCOUNT_ADDRESS, or one address can lock "
            "the account's owner out",
        ) from None
    if settings.short_session_max_age > settings.session_max_age:
        raise ConfigError(
            "SESSION_SHORT_MAX_AGE_SECONDS", "must be at most TESSERA_SESSION_MAX_AGE_SECONDS (the remembered lifetime)"
        )
    if settings.refresh_ttl <= settings.access_ttl:
        raise ConfigError("REFRESH_TTL_SECONDS", "must be longer than TESSERA_ACCESS_TTL_SECONDS")
    return settings
