from abc import abstractmethod
from typing import Protocol

from domain.events import SecurityEvent


class SecurityEvents(Protocol):
    """Where security events go: an audit log and counters. Emitting never fails the request."""

    @abstractmethod
    def emit(self, event: SecurityEvent) -> None: ...
