import json
import logging

from application.ports.security_events import SecurityEvents
from domain.events import SecurityEvent

AUDIT_LOGGER = "tessera.audit"
audit = logging.getLogger(AUDIT_LOGGER)


class LoggingSecurityEvents(SecurityEvents):
    """One JSON line per event on the `tessera.audit` logger (the counters are `PrometheusSecurityEventMetrics`)."""

    def emit(self, event: SecurityEvent) -> None:
        record = {
            "event": event.kind.value,
            "user_id": None if event.user_id is None else str(event.user_id),
            "session_id": None if event.session_id is None else str(event.session_id),
            "client_address": event.client_address,
            "detail": event.detail,
        }
        audit.info(json.dumps({key: value for key, value in record.items() if value is not None}))
