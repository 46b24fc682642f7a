"""The periodic work of one process: keeping its revocation view, profile cache and key set current,
hearing changes as they happen, and purging.

Each loop survives a database outage: it logs, counts it (`tessera_storage_unavailable_total`), and
tries again on its next tick. How stale this process's view is shows in the metrics
(`tessera_revocation_view_age_seconds`, `tessera_key_set_age_seconds`).
"""

import asyncio
import contextlib
import logging
import random
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import TypeVar

from dishka import AsyncContainer

from adapters.observability.metrics import (
    STORAGE_UNAVAILABLE,
    keys_loaded,
    revocation_view_measured_by,
    revocations_synced,
    worker_stopped,
)
from application.errors import StorageUnavailable
from application.ports.change_listener import ChangeListener
from application.ports.clock import Clock
from application.ports.revocation_view import RevocationView
from application.propagation import Propagation
from application.use_cases.manage_signing_keys import ManageSigningKeys
from application.use_cases.purge_expired import PurgeExpired
from application.use_cases.reload_signing_keys import ReloadSigningKeys
from application.use_cases.sync_replica import SyncReplica
from entrypoints.settings.config import Settings

log = logging.getLogger(__name__)
T = TypeVar("T")
U = TypeVar("U")


class BackgroundWork:
    def __init__(self, container: AsyncContainer, settings: Settings) -> None:
        self._container = container
        self._settings = settings
        self._schedule = settings.schedule()
        self._tasks: list[asyncio.Task[None]] = []
        self._listeners: list[ChangeListener] = []
        self._last_sync: datetime | None = None
        """When the last successful poll began: the next one reads what changed since (with its lookback)."""

    async def start(self) -> None:
        """Listen for changes, load the whole revocation window (and the key set) once, then keep
        them current. Raises if the database cannot be reached: a process does not start without them."""
        self._clock = await self._container.get(Clock)
        self._revocations = await self._container.get(RevocationView)
        revocation_view_measured_by(self._revocations.size)
        propagation = await self._container.get(Propagation)
        for listener in await self._container.get(list[ChangeListener]):
            await listener.start(propagation.apply)
            self._listeners.append(listener)
        if self._settings.key_encryption_key:
            await self._in_request(ManageSigningKeys, lambda keys: keys.ensure_one(self._settings.signing_alg))
        await self.sync()
        if self._schedule.key_reload is not None:
            await self._reload_keys()
        self._loop("revocations", self._schedule.revocation_poll, self.sync)
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
        for listener in self._listeners:
            await listener.stop()
        self._listeners.clear()
        worker_stopped()

    async def sync(self) -> None:
        """One poll: what changed since the last successful one (see `SyncReplica.since`)."""
        started = self._clock.now()
        await self._in_request(
            SyncReplica, lambda sync: sync.execute(self._last_sync, self._schedule.revocation_lookback)
        )
        self._last_sync = started
        revocations_synced(started, self._revocations.size())

    async def _reload_keys(self) -> None:
        await self._in_request(ReloadSigningKeys, lambda reload: reload.execute())
        keys_loaded(self._clock.now())

    async def _purge(self) -> None:
        purged = await self._in_request(PurgeExpired, lambda purge: purge.execute())
        if purged:
            log.info("purged %d expired rows", purged)

    async def _in_request(self, use_case: type[U], work: Callable[[U], Awaitable[T]]) -> T:
        """`work` on the use case in a request scope of its own: each run gets its own unit of work."""
        async with self._container() as request:
            return await work(await request.get(use_case))

    def _loop(
        self, name: str, every: timedelta, work: Callable[[], Awaitable[None]], first_delay: float | None = None
    ) -> None:
        async def run() -> None:
            await asyncio.sleep(every.total_seconds() if first_delay is None else first_delay)
            while True:
                try:
                    await work()
                except StorageUnavailable:
                    STORAGE_UNAVAILABLE.inc()
                    log.warning("%s: the database cannot be reached; retrying in %s", name, every)
                except Exception:
                    log.exception("%s failed; retrying in %s", name, every)
                await asyncio.sleep(every.total_seconds())

        self._tasks.append(asyncio.create_task(run(), name=f"tessera-{name}"))
