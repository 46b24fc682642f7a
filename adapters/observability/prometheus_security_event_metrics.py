from prometheus_client import Counter

from adapters.observability.metrics import LEGACY_SESSION_EXCHANGES
from application.ports.security_event_metrics import SecurityEventMetrics
from domain.events import EventKind, SecurityEvent

EVENTS = Counter("tessera_security_events_total", "Security events by kind", ["kind"])


class PrometheusSecurityEventMetrics(SecurityEventMetrics):
    """`tessera_security_events_total` by kind, and the legacy exchanges by outcome (the refusal's reason)."""

    def count(self, event: SecurityEvent) -> None:
        EVENTS.labels(kind=event.kind.value).inc()
        if event.kind is EventKind.LEGACY_SESSION_EXCHANGED:
            LEGACY_SESSION_EXCHANGES.labels(outcome="exchanged").inc()
        elif event.kind is EventKind.LEGACY_SESSION_REFUSED:
            LEGACY_SESSION_EXCHANGES.labels(outcome=event.detail or "unknown").inc()
