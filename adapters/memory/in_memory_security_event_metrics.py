from collections import Counter

from application.ports.security_event_metrics import SecurityEventMetrics
from domain.events import EventKind, SecurityEvent


class InMemorySecurityEventMetrics(SecurityEventMetrics):
    """Counts events by kind, for tests that assert what was counted."""

    def __init__(self) -> None:
        self.counts: Counter[EventKind] = Counter()

    def count(self, event: SecurityEvent) -> None:
        self.counts[event.kind] += 1
