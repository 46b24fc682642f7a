"""Prometheus metrics, rendered in the text exposition format.

With `tessera serve --workers N`, every worker writes its values to PROMETHEUS_MULTIPROC_DIR
(prometheus_client's multiprocess mode) and any worker renders them all: counters summed, and the
ages of the shared state computed from the stalest live worker.
"""

import math
import os
from collections.abc import Iterator
from datetime import datetime

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Gauge, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector, mark_process_dead
from prometheus_client.registry import Collector

STORAGE_UNAVAILABLE = Counter(
    "tessera_storage_unavailable_total", "Requests and background runs that found the database unreachable"
)
LEGACY_SESSION_EXCHANGES = Counter(
    "tessera_legacy_session_exchanges_total",
    "Legacy session exchanges by outcome: exchanged, malformed, unknown, no_user, disabled, unavailable",
    ["outcome"],
)
_REVOCATIONS_SYNCED = Gauge(
    "tessera_revocation_view_synced_timestamp_seconds",
    "When each worker last synced its revocation view",
    multiprocess_mode="liveall",
)
_KEYS_LOADED = Gauge(
    "tessera_key_set_loaded_timestamp_seconds",
    "When each worker last reloaded the shared key set",
    multiprocess_mode="liveall",
)
_REVOCATION_VIEW_ENTRIES = Gauge(
    "tessera_revocation_view_entries", "Revoked sessions a worker remembers (the most of any)", multiprocess_mode="max"
)

METRICS_CONTENT_TYPE = CONTENT_TYPE_LATEST
_MULTIPROCESS = "PROMETHEUS_MULTIPROC_DIR"


def revocations_synced(at: datetime, entries: int) -> None:
    _REVOCATIONS_SYNCED.set(at.timestamp())
    _REVOCATION_VIEW_ENTRIES.set(entries)


def keys_loaded(at: datetime) -> None:
    _KEYS_LOADED.set(at.timestamp())


def worker_stopped() -> None:
    """A worker that ends cleanly drops out of the live gauges."""
    if os.environ.get(_MULTIPROCESS):
        mark_process_dead(os.getpid())  # type: ignore[no-untyped-call]


def render(now: datetime, revocation_entries: int) -> bytes:
    """The current metrics (this worker's revocation view as it is now); an age is NaN until the first sync."""
    _REVOCATION_VIEW_ENTRIES.set(revocation_entries)
    if not os.environ.get(_MULTIPROCESS):
        return generate_latest(_with_ages(REGISTRY, now))
    registry = CollectorRegistry()
    MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    return generate_latest(_with_ages(registry, now))


def _with_ages(source: CollectorRegistry, now: datetime) -> CollectorRegistry:
    registry = CollectorRegistry()
    registry.register(_Everything(source))
    registry.register(_Ages(source, now.timestamp()))
    return registry


class _Everything(Collector):
    def __init__(self, source: CollectorRegistry) -> None:
        self._source = source

    def collect(self) -> Iterator[object]:  # type: ignore[override]
        yield from self._source.collect()


class _Ages(Collector):
    AGES = {
        "tessera_revocation_view_synced_timestamp_seconds": (
            "tessera_revocation_view_age_seconds",
            "Seconds since the stalest worker last synced its revocation view",
        ),
        "tessera_key_set_loaded_timestamp_seconds": (
            "tessera_key_set_age_seconds",
            "Seconds since the stalest worker last reloaded the shared key set",
        ),
    }

    def __init__(self, source: CollectorRegistry, now: float) -> None:
        self._source = source
        self._now = now

    def collect(self) -> Iterator[GaugeMetricFamily]:
        stamps: dict[str, list[float]] = {name: [] for name in self.AGES}
        for family in self._source.collect():
            for sample in family.samples:
                if sample.name in stamps and math.isfinite(sample.value) and sample.value > 0:
                    stamps[sample.name].append(sample.value)
        for name, (age_name, help_text) in self.AGES.items():
            age = self._now - min(stamps[name]) if stamps[name] else float("nan")
            yield GaugeMetricFamily(age_name, help_text, value=age)
