from datetime import timedelta

from application.ports.clock import Clock
from application.ports.revocation_view import RevocationView
from application.ports.unit_of_work import UnitOfWork
from domain.policy import TokenPolicy


class LoadRevocations:
    """Fills this process's revocation view from storage with every revocation that can still matter.

    Run at start-up, so that a restart does not bring back the access tokens of a revoked session,
    and then every second or so, so that a revocation on any replica reaches this one.
    """

    def __init__(self, uow: UnitOfWork, revocations: RevocationView, clock: Clock, policy: TokenPolicy) -> None:
        self._uow = uow
        self._revocations = revocations
        self._clock = clock
        self._policy = policy

    async def execute(self, lookback: timedelta | None = None) -> int:
        """Revocations of the last `lookback` (by default the whole revocation window) into the view.

        Polling with a short lookback keeps the view current with every other replica: each poll
        re-reads a few seconds already seen, so a revocation committed late, or stamped by a replica
        whose clock is a little behind, is still found. Adding one twice changes nothing.
        """
        window = self._policy.revocation_window
        since = self._clock.now() - (window if lookback is None else min(lookback, window))
        async with self._uow as uow:
            found = await uow.sessions.revoked_since(since)
        self._revocations.add(found)
        return len(found)
