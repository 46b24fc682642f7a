"""The one dispatcher: every event a unit of work settles goes where its type says."""

from collections.abc import Sequence
from typing import assert_never

from application.ports.event_dispatcher import EventDispatcher, RecordedEvent
from application.ports.security_event_metrics import SecurityEventMetrics
from application.ports.security_events import SecurityEvents
from application.propagation import Propagation
from domain.changes import Changes, RevocationFound
from domain.events import SecurityEvent


class RoutingEventDispatcher(EventDispatcher):
    """Revocations and changed users to `Propagation` (this process at once, then its sibling workers;
    other replicas read them from storage), security events to the audit log (`SecurityEvents`) and the
    metrics (`SecurityEventMetrics`). Wired once in the composition root and handed to every unit of work."""

    def __init__(self, propagation: Propagation, audit: SecurityEvents, metrics: SecurityEventMetrics) -> None:
        self._propagation = propagation
        self._audit = audit
        self._metrics = metrics

    def dispatch(self, events: Sequence[RecordedEvent]) -> None:
        for event in events:
            if isinstance(event, SecurityEvent):
                self._metrics.count(event)
                self._audit.emit(event)
            elif isinstance(event, Changes):
                self._propagation.announce(event)
            elif isinstance(event, RevocationFound):
                self._propagation.announce(Changes(revocations=(event.revocation,)))
            else:  # a new kind of event gets a route here, or the type checker says so
                assert_never(event)
