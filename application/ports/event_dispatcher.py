from abc import abstractmethod
from collections.abc import Sequence
from typing import Protocol

from domain.changes import Changes, RevocationFound
from domain.events import SecurityEvent

RecordedEvent = SecurityEvent | Changes | RevocationFound
"""What a unit of work records: a security event (audited and counted), a change committed (revocations,
users changed), or a revocation found in storage. Each type says whether it `outlives_rollback`."""


class EventDispatcher(Protocol):
    """Where a unit of work hands its events once they are settled (see `EventRecorder`): one dispatcher,
    built by the composition root, so that no use case hands an event on by hand."""

    @abstractmethod
    def dispatch(self, events: Sequence[RecordedEvent]) -> None:
        """Hands each event on, in the order given."""
