"""The periodic work of one replica: keeping its revocation view and key set current, and purging.

Each loop survives a database outage: it logs, counts the failure, and tries again on its next
tick. `last_success` tells how stale this replica's view of the shared state may be.
"""

import asyncio
import contextlib
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from dishka import AsyncContainer

from adapters.observability.metrics import STORAGE_UNAVAILABLE
from application.errors import StorageUnavailable
from application.ports.clock import Clock
from application.use_cases.load_revocations import LoadRevocations
from application.use_cases.manage_signing_keys import SigningKeys
from application.use_cases.purge_expired import PurgeExpired
from entrypoints.config import Settings

log = logging.getLogger(__name__)


@dataclass
class Schedule:
    revocation_poll: timedelta = timedelta(seconds=1)
    revocation_lookback: timedelta = timedelta(seconds=30)
    key_reload: timedelta | None = timedelta(seconds=5)
    """None when keys come from a file and never change while running."""
    purge: timedelta | None = timedelta(hours=1)


@dataclass
class Freshness:
    """When each loop last succeeded, for readiness and metrics."""

    revocations: datetime | None = None
    keys: datetime | None = None
    failures: dict[str, int] = field(default_factory=dict)


def schedule_for(settings: Settings) -> Schedule:
    return Schedule(
        revocation_poll=settings.revocation_poll,
        revocation_lookback=settings.revocation_lookback,
        key_reload=settings.key_reload if settings.key_encryption_key else None,
        purge=settings.purge_interval,
    )


class BackgroundWork:
    def __init__(self, container: AsyncContainer, clock: Clock, schedule: Schedule) -> None:
        self._container = container
        self._clock = clock
        self._schedule = schedule
        self.freshness = Freshness()
        self._tasks: list[asyncio.Task[None]] = []

    async def start(self) -> None:
        """Load the whole revocation window (and the key set) once, then keep them current.

        Raises if the database cannot be reached: a replica does not start without them."""
        await self._sync_revocations(everything=True)
        if self._schedule.key_reload is not None:
            await self._reload_keys()
        self._loop("revocations", self._schedule.revocation_poll, self._sync_revocations)
        if self._schedule.key_reload is not None:
            self._loop("keys", self._schedule.key_reload, self._reload_keys)
        if self._schedule.purge is not None:
            # Replicas started together should not all purge at the same moment.
            self._loop("purge", self._schedule.purge, self._purge, first_delay=random.uniform(0, 60))  # noqa: S311

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()

    async def _sync_revocations(self, everything: bool = False) -> None:
        started = self._clock.now()
        lookback: timedelta | None = None if everything else self._schedule.revocation_lookback
        if lookback is not None and self.freshness.revocations is not None:
            # After an outage, read back to the last successful sync too (LoadRevocations caps it
            # at the revocation window): nothing revoked meanwhile elsewhere is missed.
            lookback = max(lookback, started - self.freshness.revocations + lookback)
        async with self._container() as request:
            await (await request.get(LoadRevocations)).execute(lookback)
        self.freshness.revocations = started

    async def _reload_keys(self) -> None:
        async with self._container() as request:
            await (await request.get(SigningKeys)).reload()
        self.freshness.keys = self._clock.now()

    async def _purge(self) -> None:
        async with self._container() as request:
            purged = await (await request.get(PurgeExpired)).execute()
        if purged:
            log.info("purged %d expired rows", purged)

    def _loop(
        self, name: str, every: timedelta, work: Callable[[], Awaitable[None]], first_delay: float | None = None
    ) -> None:
        async def run() -> None:
            await asyncio.sleep(every.total_seconds() if first_delay is None else first_delay)
            while True:
                try:
                    await work()
                except StorageUnavailable:
                    self._failed(name)
                    STORAGE_UNAVAILABLE.inc()
                    log.warning("%s: the database cannot be reached; retrying in %s", name, every)
                except Exception:
                    self._failed(name)
                    log.exception("%s failed; retrying in %s", name, every)
                await asyncio.sleep(every.total_seconds())

        self._tasks.append(asyncio.create_task(run(), name=f"tessera-{name}"))

    def _failed(self, name: str) -> None:
        self.freshness.failures[name] = self.freshness.failures.get(name, 0) + 1
