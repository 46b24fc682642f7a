"""The application's event dispatcher over in-memory ends, for tests that build units of work by hand."""

from datetime import timedelta

from adapters.memory.in_memory_security_event_metrics import InMemorySecurityEventMetrics
from adapters.memory.in_memory_security_events import InMemorySecurityEvents
from adapters.process.lru_profile_cache import LruProfileCache
from adapters.process.process_revocation_view import ProcessRevocationView
from adapters.process.unix_socket_sibling_workers import UnixSocketSiblingWorkers
from application.propagation import Propagation
from application.routing_event_dispatcher import RoutingEventDispatcher


class Heard:
    """The application's one dispatcher, over in-memory ends: what reached the audit log and the counters,
    and which revocations this process heard of. Every unit of work of a contract test dispatches to one."""

    def __init__(self) -> None:
        self.audit = InMemorySecurityEvents()
        self.metrics = InMemorySecurityEventMetrics()
        self.revocations = ProcessRevocationView(timedelta(minutes=15))
        propagation = Propagation(self.revocations, LruProfileCache(), UnixSocketSiblingWorkers(None))
        self.dispatcher = RoutingEventDispatcher(propagation, self.audit, self.metrics)
