"""A connection pool whose waiters are served first come, first served.

SQLAlchemy's asyncio pool hands connections out through an `asyncio.Queue`, which lets a newcomer take a
connection that was just returned for a waiter that has not run yet; the waiter then queues again at the
back. Under load one request can lose that race many times in a row: with 32 requests on one worker and
15 connections, single waits reached 0.6 s while most were under 10 ms, and with 16 requests a worker on
4 connections, waits of 0.4 s made most of wrk's p99 (issue 23). Here a returned connection goes straight
to the longest waiter, and a newcomer waits behind every earlier one."""

import asyncio
from collections import deque
from typing import TypeVar

from sqlalchemy.pool import AsyncAdaptedQueuePool
from sqlalchemy.util import await_only
from sqlalchemy.util.queue import AsyncAdaptedQueue, Empty, Full

_T = TypeVar("_T")


class FirstComeQueue(AsyncAdaptedQueue[_T]):
    """The pool's idle connections, and the requests waiting for one, each in order."""

    def __init__(self, maxsize: int = 0, use_lifo: bool = False) -> None:
        super().__init__(maxsize, use_lifo)
        self._idle: deque[_T] = deque()
        self._waiting: deque[asyncio.Future[_T]] = deque()

    def empty(self) -> bool:
        return not self._idle

    def full(self) -> bool:
        return 0 < self.maxsize <= len(self._idle)

    def qsize(self) -> int:
        return len(self._idle)

    def put_nowait(self, item: _T) -> None:
        while self._waiting:
            waiter = self._waiting.popleft()
            if not waiter.done():
                waiter.set_result(item)
                return
        if self.full():
            raise Full
        self._idle.append(item)

    def put(self, item: _T, block: bool = True, timeout: float | None = None) -> None:
        self.put_nowait(item)  # never waits: a pool holds at most `maxsize` connections

    def get_nowait(self) -> _T:
        if not self._idle:
            raise Empty
        return self._idle.pop() if self.use_lifo else self._idle.popleft()

    def get(self, block: bool = True, timeout: float | None = None) -> _T:
        if self._idle or not block:
            return self.get_nowait()
        return await_only(self._wait(within=timeout))

    async def _wait(self, within: float | None) -> _T:
        waiter: asyncio.Future[_T] = asyncio.get_running_loop().create_future()
        self._waiting.append(waiter)
        try:
            async with asyncio.timeout(within):
                return await waiter
        except BaseException as error:
            if waiter.done() and not waiter.cancelled():
                self.put_nowait(waiter.result())  # handed over just as this waiter gave up: to the next one
            else:
                waiter.cancel()
            if isinstance(error, TimeoutError):
                raise Empty from None
            raise


class FirstComeQueuePool(AsyncAdaptedQueuePool):
    _queue_class = FirstComeQueue  # type: ignore[assignment]
