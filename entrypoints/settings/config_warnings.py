"""Warnings about the environment, printed once by every `tessera` command that reads its configuration:
a `TESSERA_*` variable tessera does not know (most likely a typo, silently ignored otherwise), and an issuer
left at its development default by a deployment that is not a development one."""

import difflib
from collections.abc import Mapping

from entrypoints.settings.config import Settings
from entrypoints.settings.environment import PREFIX

SETTINGS = frozenset(
    PREFIX + name
    for name in (
        "LISTEN_DATABASE_URL",
        "DATABASE_POOL_SIZE",
        *("DATABASE_URL", "ISSUER", "AUDIENCE", "ACCESS_TTL_SECONDS", "REFRESH_TTL_SECONDS", "LEEWAY_SECONDS"),
        *("REFRESH_GRACE_SECONDS", "SIGNING_ALG", "SIGNING_KEY_FILE", "DEV_KEY_FILE"),
        *("ARGON2_TIME_COST", "ARGON2_MEMORY_KIB", "ARGON2_PARALLELISM", "ARGON2_CONCURRENCY"),
        *("LOGIN_MAX_FAILURES_PER_ACCOUNT", "LOGIN_MAX_FAILURES_PER_ADDRESS", "LOGIN_FAILURE_WINDOW_SECONDS"),
        *("COOKIE_SAMESITE", "ALLOWED_ORIGINS", "KEY_ENCRYPTION_KEY", "KEY_ENCRYPTION_KEY_FILE"),
        *("KEY_PROPAGATION_SECONDS", "KEY_RELOAD_SECONDS", "JWKS_MAX_AGE_SECONDS", "REVOCATION_POLL_SECONDS"),
        *("REVOCATION_LOOKBACK_SECONDS", "PURGE_INTERVAL_SECONDS", "FORWARDED_ALLOW_IPS", "OAUTH_CLIENTS"),
        *("VERIFIED_TOKEN_CACHE", "PROFILE_CACHE", "WORKER_SOCKETS"),
        *("LEGACY_SESSIONS", "LEGACY_COOKIE", "LEGACY_NAMESPACE", "LEGACY_USER_KEY", "LEGACY_USER_LOOKUP"),
        *("LEGACY_SESSION_ID_BYTES", "LEGACY_SECRET_FILE", "LEGACY_SESSION_AGE_SECONDS", "LEGACY_FILE_PREFIX"),
        "LEGACY_READ_ONLY",
        *("LOGIN_MAX_FAILURES_PER_ACCOUNT_ADDRESS", "REGISTRATION_MAX_PER_ADDRESS", "REGISTRATION_WINDOW_SECONDS"),
        *("METRICS_ADDRESS", "SCHEMA_PAGES", "CUSTOM_CLAIM_NAMES"),
        *("SESSION_MAX_AGE_SECONDS", "SESSION_SHORT_MAX_AGE_SECONDS"),
        *("SMTP_URL", "SMTP_ALLOW_PLAINTEXT_AUTH", "MAIL_FROM", "PASSWORD_RESET_URL", "PASSWORD_RESET_MAX_PER_ADDRESS"),
        *("LOGIN_IDENTIFIERS", "FOREIGN_HASH_CONCURRENCY"),
    )
)
"""Every variable `settings_from_env` reads (entrypoints/settings/reader.py, mail.py and legacy.py), including
`TESSERA_WORKER_SOCKETS`, which `tessera serve --workers` sets for its own workers."""

ELSEWHERE = frozenset(
    PREFIX + name
    for name in (
        "URL",  # docs/examples/downstream_service.py, a downstream service configured beside tessera
        "TEST_POSTGRES_URL",  # the test suite's PostgreSQL (tests/support/postgres.py, .ci/ensure-postgres)
        "CONTRACT_ADAPTER",  # the contract suite's adapter under test (tests/contract/conftest.py)
        "BENCH_VARIANT",  # benchmarks/baseline_app.py, for its own workers
        "BENCH_REDIS_URL",
    )
)
"""Variables of tessera's project that tessera itself does not read: known, so never warned about."""

KNOWN = SETTINGS | ELSEWHERE
_SUFFIXES = {name.removeprefix(PREFIX): name for name in KNOWN}


def config_warnings(settings: Settings, environ: Mapping[str, str]) -> list[str]:
    """One line each, never a variable's value (it may be a secret)."""
    warnings = [_unknown(name) for name in sorted(environ) if name.upper().startswith(PREFIX) and name not in KNOWN]
    if not settings.uses_development_key and not environ.get(PREFIX + "ISSUER", "").strip():
        warnings.append(
            f"{PREFIX}ISSUER is not set: tokens name the development issuer {settings.issuer}; "
            "set it to this service's public URL"
        )
    return warnings


def _unknown(name: str) -> str:
    nearest = difflib.get_close_matches(name.upper().removeprefix(PREFIX), _SUFFIXES, n=1)
    return f"unknown setting {name}" + (f"; did you mean {_SUFFIXES[nearest[0]]}?" if nearest else " (ignored)")
