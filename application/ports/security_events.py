from abc import abstractmethod
from typing import Protocol

from domain.events import SecurityEvent


class SecurityEvents(Protocol):
    """Where security events go: the audit log (their counters are `SecurityEventMetrics`). Emitting never
    fails the request."""

    @abstractmethod
    def emit(self, event: SecurityEvent) -> None: ...
