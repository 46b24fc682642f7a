"""What a running process does besides answering: its background schedule and caches, the proxies and
backend clients it trusts, and where it shows metrics and schema pages."""

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from adapters.crypto.caching_token_verifier import DEFAULT_MAX_TOKENS
from adapters.local.lru_profile_cache import DEFAULT_MAX_PROFILES
from domain.clients import TrustedClient
from entrypoints.settings.declared import declared, flag, integer, path, seconds
from entrypoints.settings.environment import Env


def _purge_interval(env: Env, default: timedelta | None) -> timedelta | None:
    """0 turns the purge off."""
    every = env.seconds("PURGE_INTERVAL_SECONDS", default or timedelta(0), low=0, high=7 * 86400)
    return every or None


_HOURLY: timedelta | None = timedelta(hours=1)


@dataclass(frozen=True)
class ServiceSettings:
    revocation_poll: timedelta = seconds("REVOCATION_POLL_SECONDS", timedelta(seconds=1), low=1, high=60)
    revocation_lookback: timedelta = seconds("REVOCATION_LOOKBACK_SECONDS", timedelta(seconds=30), low=2, high=3600)
    purge_interval: timedelta | None = declared("PURGE_INTERVAL_SECONDS", _HOURLY, _purge_interval)
    verified_token_cache: int = integer("VERIFIED_TOKEN_CACHE", DEFAULT_MAX_TOKENS, low=1, high=10_000_000)
    """Access tokens whose signature and claims each process remembers (about 1.5 KiB each)."""
    profile_cache: int = integer("PROFILE_CACHE", DEFAULT_MAX_PROFILES, low=1, high=10_000_000)
    """User profiles each process remembers for `GET /api/user/profile` (a few hundred bytes each)."""
    forwarded_allow_ips: tuple[str, ...] = declared(
        "FORWARDED_ALLOW_IPS", (), lambda env, _: env.networks("FORWARDED_ALLOW_IPS")
    )
    """Proxies whose X-Forwarded-For / -Proto are believed: the client address that throttling counts."""
    oauth_clients: tuple[TrustedClient, ...] = declared(
        "OAUTH_CLIENTS", (), lambda env, _: env.clients("OAUTH_CLIENTS")
    )
    """Trusted backend clients of /oauth/introspect and /oauth/revoke: ids and SHA-256 of their secrets."""
    metrics_address: tuple[str, int] | None = declared(
        "METRICS_ADDRESS", None, lambda env, _: env.host_port("METRICS_ADDRESS")
    )
    """Set (host:port): `tessera serve` exposes Prometheus metrics there; unset, nowhere."""
    schema_pages: bool = flag("SCHEMA_PAGES")
    """On: /schema/redoc, a page that loads a pinned, SRI-checked script from a CDN."""
    worker_sockets: Path | None = path("WORKER_SOCKETS")
    """Set by `tessera serve --workers N` for its workers: where they tell each other of changes."""
