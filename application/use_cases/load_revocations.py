from application.ports.clock import Clock
from application.ports.revocation_view import RevocationView
from application.ports.unit_of_work import UnitOfWork
from domain.policy import TokenPolicy


class LoadRevocations:
    """Fills this process's revocation view from storage with every revocation that can still matter.

    Run at start-up, so that a restart does not bring back the access tokens of a revoked session.
    """

    def __init__(self, uow: UnitOfWork, revocations: RevocationView, clock: Clock, policy: TokenPolicy) -> None:
        self._uow = uow
        self._revocations = revocations
        self._clock = clock
        self._policy = policy

    async def execute(self) -> int:
        async with self._uow as uow:
            found = await uow.sessions.revoked_since(self._clock.now() - self._policy.revocation_window)
        self._revocations.add(found)
        return len(found)
