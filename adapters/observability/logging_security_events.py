import json
import logging

from prometheus_client import Counter

from adapters.observability.metrics import LEGACY_SESSION_EXCHANGES
from application.ports.security_events import SecurityEvents
from domain.events import EventKind, SecurityEvent

AUDIT_LOGGER = "tessera.audit"
audit = logging.getLogger(AUDIT_LOGGER)

EVENTS = Counter("tessera_security_events_total", "Security events by kind", ["kind"])


class LoggingSecurityEvents(SecurityEvents):
    """One JSON line per event on the `tessera.audit` logger, and a Prometheus counter by kind."""

    def emit(self, event: SecurityEvent) -> None:
        EVENTS.labels(kind=event.kind.value).inc()
        if event.kind is EventKind.LEGACY_SESSION_EXCHANGED:
            LEGACY_SESSION_EXCHANGES.labels(outcome="exchanged").inc()
        elif event.kind is EventKind.LEGACY_SESSION_REFUSED:
            LEGACY_SESSION_EXCHANGES.labels(outcome=event.detail or "unknown").inc()
        record = {
            "event": event.kind.value,
            "user_id": None if event.user_id is None else str(event.user_id),
            "session_id": None if event.session_id is None else str(event.session_id),
            "client_address": event.client_address,
            "detail": event.detail,
        }
        audit.info(json.dumps({key: value for key, value in record.items() if value is not None}))
