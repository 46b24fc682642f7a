from datetime import datetime, timedelta

from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork
from application.propagation import Propagation
from domain.policy import TokenPolicy


class SyncReplica:
    """Brings this process up to date, through storage, with the revocations and user changes made
    anywhere else. Run at start-up (the whole revocation window, so that a restart does not bring
    back a revoked session's access tokens), then every second or so: the fallback that holds the
    bound when a notification from another process is lost."""

    def __init__(self, uow: UnitOfWork, propagation: Propagation, clock: Clock, policy: TokenPolicy) -> None:
        self._uow = uow
        self._propagation = propagation
        self._clock = clock
        self._policy = policy

    async def execute(self, last_synced: datetime | None = None, lookback: timedelta | None = None) -> int:
        """Applies what changed since `since(...)`; the number of revocations read. Twice changes nothing."""
        moment = self.since(self._clock.now(), last_synced, lookback)
        async with self._uow.without_transaction() as uow:  # two reads: no transaction needed
            revocations = await uow.sessions.revoked_since(moment)
            users = await uow.users.changed_since(moment)
        self._propagation.catch_up(revocations, users)
        return len(revocations)

    def since(self, now: datetime, last_synced: datetime | None, lookback: timedelta | None) -> datetime:
        """From where to read: the whole revocation window on a first sync (or with no lookback);
        else `lookback` before the last successful sync, so that a change committed late, or stamped
        by a replica whose clock is a little behind, is still found, and an outage is caught up on.
        Never further back than the window: older revocations no longer matter."""
        window = self._policy.revocation_window
        if last_synced is None or lookback is None:
            return now - window
        return now - min(window, max(lookback, now - last_synced + lookback))
