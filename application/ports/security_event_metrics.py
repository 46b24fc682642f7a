from abc import abstractmethod
from typing import Protocol

from domain.events import SecurityEvent


class SecurityEventMetrics(Protocol):
    """The counters of security events, beside the audit log. Counting never fails the request."""

    @abstractmethod
    def count(self, event: SecurityEvent) -> None: ...
