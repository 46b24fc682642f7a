"""Prometheus metrics of one replica, rendered in the text exposition format."""

from collections.abc import Callable
from datetime import datetime

from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, generate_latest

STORAGE_UNAVAILABLE = Counter(
    "tessera_storage_unavailable_total", "Requests and background runs that found the database unreachable"
)
LEGACY_SESSION_EXCHANGES = Counter(
    "tessera_legacy_session_exchanges_total",
    "Legacy session exchanges by outcome: exchanged, malformed, unknown, no_user, disabled, unavailable",
    ["outcome"],
)
_REVOCATION_VIEW_AGE = Gauge(
    "tessera_revocation_view_age_seconds", "Seconds since this replica last synced its revocation view"
)
_REVOCATION_VIEW_ENTRIES = Gauge("tessera_revocation_view_entries", "Revoked sessions this replica remembers")
_KEY_SET_AGE = Gauge("tessera_key_set_age_seconds", "Seconds since this replica last reloaded the shared key set")

METRICS_CONTENT_TYPE = CONTENT_TYPE_LATEST


def render(
    now: datetime,
    revocations_synced: datetime | None,
    keys_loaded: datetime | None,
    revocation_entries: Callable[[], int],
) -> bytes:
    """The current metrics; ages are NaN until the first successful sync."""
    _REVOCATION_VIEW_AGE.set(float("nan") if revocations_synced is None else (now - revocations_synced).total_seconds())
    _KEY_SET_AGE.set(float("nan") if keys_loaded is None else (now - keys_loaded).total_seconds())
    _REVOCATION_VIEW_ENTRIES.set(revocation_entries())
    return generate_latest()
