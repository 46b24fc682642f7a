"""A unit of work's events have one home: recorded in it, dispatched once it settles."""

from collections.abc import Sequence

from application.ports.event_dispatcher import EventDispatcher, RecordedEvent


class EventRecorder:
    """The events of one unit of work, kept until its block settles. Every adapter's unit of work holds
    one, and calls `opened` as a block begins, `committed` after each commit, and `closed` as it ends:

    - Inside a block an event waits. A commit dispatches what waits, once and in the order recorded (a
      later commit in the same block, only what was recorded since). A block that ends dispatches only
      the waiting events that `outlives_rollback` (a refusal audited although nothing was written, a
      revocation found already stored) and drops the others: a change that was not committed is never
      announced, nor audited. A block declared `without_transaction` is no different: its writes may be
      stored at once, its events still wait for `commit`.
    - Outside a block nothing is pending: an event recorded there reports something settled already (a
      change an earlier block committed, an answer given without storage), and is dispatched at once.
    """

    def __init__(self, dispatcher: EventDispatcher) -> None:
        self._dispatcher = dispatcher
        self._waiting: list[RecordedEvent] | None = None
        """None outside a block."""

    def record(self, event: RecordedEvent) -> None:
        if self._waiting is None:
            self._dispatcher.dispatch((event,))
        else:
            self._waiting.append(event)

    def opened(self) -> None:
        self._waiting = []

    def committed(self) -> None:
        waiting = self._waiting
        if waiting:
            self._waiting = []
            self._dispatcher.dispatch(waiting)

    def closed(self) -> None:
        waiting, self._waiting = self._waiting, None
        if waiting:  # most blocks end with nothing waiting: committed, or nothing recorded
            standing = [event for event in waiting if event.outlives_rollback]
            if standing:
                self._dispatcher.dispatch(standing)


class _Nowhere(EventDispatcher):
    def dispatch(self, events: Sequence[RecordedEvent]) -> None:
        raise RuntimeError("this unit of work was built without an event dispatcher: its events would be lost")


NOWHERE: EventDispatcher = _Nowhere()
"""The dispatcher of a unit of work built without one (a test's, a migration's): recording an event
there is a wiring mistake, refused rather than lost. The composition root gives every unit of work
the application's dispatcher."""
