"""Concurrent reads by key, coalesced: those that arrive while one statement is on its way go out
together in the next, each key once.

A read sent alone costs a thread hop (aiosqlite) or a round trip (asyncpg) whatever it reads; a burst of
misses (a restart, a first pass over many users) would pay one each. Here the first read starts a
batch at once; the reads that come while it runs wait for the next one, so that under load one
statement serves many requests, and with no load a read waits for nobody."""

import asyncio
import itertools
from collections.abc import Awaitable, Callable, Collection, Hashable, Mapping
from typing import Any, Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class ReadBatches(Generic[K, V]):
    def __init__(self, fetch: Callable[[Collection[K]], Awaitable[Mapping[K, V]]], most: int) -> None:
        """`fetch` answers the values of the keys it found (absent keys: None); at most `most` keys a call."""
        self._fetch = fetch
        self._most = most
        self._waiting: dict[K, asyncio.Future[V | None]] = {}
        self._sender: asyncio.Task[None] | None = None

    async def get(self, key: K) -> V | None:
        future = self._waiting.get(key)
        if future is None:
            future = self._waiting[key] = asyncio.get_running_loop().create_future()
            future.add_done_callback(_retrieved)
            if self._sender is None:
                self._sender = asyncio.create_task(self._send())
        # Shielded: a caller that gives up (a client gone) must not cancel the answer of another who waits.
        return await asyncio.shield(future)

    async def _send(self) -> None:
        try:
            while self._waiting:
                batch = dict(itertools.islice(self._waiting.items(), self._most))
                for key in batch:
                    del self._waiting[key]
                try:
                    found = await self._fetch(batch.keys())
                except asyncio.CancelledError:
                    for future in batch.values():
                        future.cancel()
                    raise
                except Exception as error:  # every waiter of the batch learns it
                    for future in batch.values():
                        if not future.done():
                            future.set_exception(error)
                    continue
                for key, future in batch.items():
                    if not future.done():
                        future.set_result(found.get(key))
        finally:
            self._sender = None
            for future in self._waiting.values():  # left only when cancelled: nobody would send them
                future.cancel()
            self._waiting.clear()


def _retrieved(future: "asyncio.Future[Any]") -> None:
    """An exception nobody awaited any longer (every caller gone) is not reported as never retrieved."""
    if not future.cancelled():
        future.exception()
