from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork
from domain.policy import TokenPolicy
from domain.throttling import ThrottlePolicy

PURGE_BATCH_SIZE = 500
MAX_BATCHES_PER_RUN = 200


class PurgeExpired:
    """Deletes what can no longer matter, and clears the sealed successors whose grace window closed,
    in short transactions of bounded batches, so that it holds no lock for long and is safe to run on
    every replica at once (a row deleted twice is deleted once). Returns how many rows went or were cleared."""

    def __init__(self, uow: UnitOfWork, clock: Clock, policy: TokenPolicy, throttling: ThrottlePolicy) -> None:
        self._uow = uow
        self._clock = clock
        self._policy = policy
        self._throttling = throttling

    async def execute(self, batch_size: int = PURGE_BATCH_SIZE) -> int:
        total = 0
        for _ in range(MAX_BATCHES_PER_RUN):
            now = self._clock.now()
            async with self._uow as uow:
                deleted = await uow.sessions.purge(now, self._policy.revocation_window, batch_size)
                deleted += await uow.sessions.clear_seals(now - self._policy.refresh_grace, batch_size)
                deleted += await uow.login_failures.purge(now, self._throttling.longest_window, batch_size)
                deleted += await uow.password_resets.purge(now, batch_size)
                await uow.commit()
            total += deleted
            if deleted == 0:
                break
        return total
