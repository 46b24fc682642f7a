from application.ports.security_events import SecurityEvents
from domain.events import SecurityEvent


class InMemorySecurityEvents(SecurityEvents):
    """Keeps every event, for tests that assert what was audited."""

    def __init__(self) -> None:
        self.events: list[SecurityEvent] = []

    def emit(self, event: SecurityEvent) -> None:
        self.events.append(event)
