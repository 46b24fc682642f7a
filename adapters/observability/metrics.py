"""Prometheus metrics, and the registry the metrics listener exposes (`metrics_listener.py`).

With `tessera serve --workers N`, every worker writes its values to PROMETHEUS_MULTIPROC_DIR
(prometheus_client's multiprocess mode) and the serving process exposes them all: counters summed,
and the ages of the shared state computed from the stalest live worker.
"""

import math
import os
import time
from collections.abc import Callable, Iterator
from datetime import datetime

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector, mark_process_dead
from prometheus_client.registry import Collector

STORAGE_UNAVAILABLE = Counter(
    "tessera_storage_unavailable_total", "Requests and background runs that found the database unreachable"
)
LEGACY_SESSION_EXCHANGES = Counter(
    "tessera_legacy_session_exchanges_total",
    "Legacy session exchanges by outcome: exchanged, disabled, unavailable, or a refusal reason "
    "(domain.errors.LegacyRefusal: malformed, bad_signature, expired, unknown, replayed, no_user, ...)",
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

_MULTIPROCESS = "PROMETHEUS_MULTIPROC_DIR"


def revocations_synced(at: datetime, entries: int) -> None:
    _REVOCATIONS_SYNCED.set(at.timestamp())
    _REVOCATION_VIEW_ENTRIES.set(entries)


def keys_loaded(at: datetime) -> None:
    _KEYS_LOADED.set(at.timestamp())


def revocation_view_measured_by(size: Callable[[], int]) -> None:
    """One process: the gauge reads the view's size when scraped. A worker of several cannot (the
    multiprocess mode has no callbacks): it writes its count at each sync instead."""
    if not os.environ.get(_MULTIPROCESS):
        _REVOCATION_VIEW_ENTRIES.set_function(size)


def worker_stopped() -> None:
    """A worker that ends cleanly drops out of the live gauges."""
    if os.environ.get(_MULTIPROCESS):
        mark_process_dead(os.getpid())  # type: ignore[no-untyped-call]


def exposition_registry() -> CollectorRegistry:
    """What the metrics listener serves: this process's metrics or, when PROMETHEUS_MULTIPROC_DIR is
    set, every worker's, read at each scrape; plus the ages, computed then (NaN until the first sync)."""
    source = REGISTRY
    if os.environ.get(_MULTIPROCESS):
        source = CollectorRegistry()
        MultiProcessCollector(source)  # type: ignore[no-untyped-call]
    registry = CollectorRegistry()
    registry.register(_Everything(source))
    registry.register(_Ages(source))
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

    def __init__(self, source: CollectorRegistry) -> None:
        self._source = source

    def collect(self) -> Iterator[GaugeMetricFamily]:
        now = time.time()
        stamps: dict[str, list[float]] = {name: [] for name in self.AGES}
        for family in self._source.collect():
            for sample in family.samples:
                if sample.name in stamps and math.isfinite(sample.value) and sample.value > 0:
                    stamps[sample.name].append(sample.value)
        for name, (age_name, help_text) in self.AGES.items():
            age = now - min(stamps[name]) if stamps[name] else float("nan")
            yield GaugeMetricFamily(age_name, help_text, value=age)
