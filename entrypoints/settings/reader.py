"""Configuration from `TESSERA_*` environment variables. A bad value stops start-up with one line naming it."""

import os
from collections.abc import Mapping

from domain.key_errors import JwksOutlivesPropagation
from domain.throttling import ThrottleLetsOneAddressLockOut
from entrypoints.backends.registry import listen_url_refused
from entrypoints.settings.config import Settings
from entrypoints.settings.declared import read_declared
from entrypoints.settings.environment import ConfigError, Env


def settings_from_env(environ: Mapping[str, str] | None = None) -> Settings:
    """The settings the `TESSERA_*` variables give (the process's own environment by default), each read
    by its field's declaration; a variable set wrong, or two that contradict each other, raise
    `ConfigError` naming the variable."""
    settings = Settings(**read_declared(Settings, Env(os.environ if environ is None else environ)))
    refuse_contradictions(settings)
    return settings


def refuse_contradictions(settings: Settings) -> None:
    """The rules between settings, each refused naming the variable to change."""
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
