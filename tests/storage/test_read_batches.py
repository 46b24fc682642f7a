"""Concurrent reads coalesced: the reads that arrive while a statement runs go out together in the next,
each key once, and every caller gets its own answer or the error of its own batch."""

import asyncio
from collections.abc import Collection, Mapping

import pytest

from adapters.sql.read_batches import ReadBatches

pytestmark = pytest.mark.anyio
STORED = {1: "one", 2: "two", 3: "three", 4: "four"}


class Storage:
    """Answers from `STORED`, each call held until the test lets it go, and every call's keys kept."""

    def __init__(self) -> None:
        self.calls: list[list[int]] = []
        self.go = asyncio.Event()
        self.entered = asyncio.Event()
        self.failure: Exception | None = None

    async def fetch(self, keys: Collection[int]) -> Mapping[int, str]:
        self.calls.append(list(keys))
        self.entered.set()
        await self.go.wait()
        if self.failure is not None:
            failure, self.failure = self.failure, None
            raise failure
        return {key: STORED[key] for key in keys if key in STORED}


async def _started(*reads: "asyncio.Task[str | None]") -> None:
    """Every read has asked for its key: a task does so in its first step, before it waits for anything,
    and one turn of the loop gives each task created before it that step. (A yield, not a timed wait.)"""
    await asyncio.sleep(0)
    assert not any(read.done() for read in reads)


async def test_reads_that_arrive_while_a_statement_runs_go_out_together_each_key_once() -> None:
    storage = Storage()
    batches = ReadBatches(storage.fetch, most=10)
    first = asyncio.create_task(batches.get(1))
    await storage.entered.wait()
    assert storage.calls == [[1]], "the first read goes at once, alone"

    later = [asyncio.create_task(batches.get(key)) for key in (2, 3, 2, 9)]
    await _started(*later)
    storage.go.set()

    assert await first == "one"
    assert [await read for read in later] == ["two", "three", "two", None]
    assert storage.calls == [[1], [2, 3, 9]]


async def test_a_batch_holds_at_most_its_bound_and_the_rest_follow() -> None:
    storage = Storage()
    storage.go.set()
    batches = ReadBatches(storage.fetch, most=2)

    answers = await asyncio.gather(*(batches.get(key) for key in (1, 2, 3, 4)))

    assert answers == ["one", "two", "three", "four"]
    assert all(len(call) <= 2 for call in storage.calls)
    assert sorted(key for call in storage.calls for key in call) == [1, 2, 3, 4]


async def test_a_failed_statement_fails_every_read_of_its_batch_and_the_next_batch_is_sent() -> None:
    storage = Storage()
    batches = ReadBatches(storage.fetch, most=10)
    storage.failure = ConnectionError("storage is down")
    failing = [asyncio.create_task(batches.get(key)) for key in (1, 2)]
    await storage.entered.wait()
    following = asyncio.create_task(batches.get(3))
    await _started(following)
    storage.go.set()

    for read in failing:
        with pytest.raises(ConnectionError, match="storage is down"):
            await read
    assert await following == "three"
    assert storage.calls == [[1, 2], [3]]


async def test_a_caller_that_gives_up_leaves_the_answer_to_another_waiting_for_the_same_key() -> None:
    storage = Storage()
    batches = ReadBatches(storage.fetch, most=10)
    leaving, staying = asyncio.create_task(batches.get(1)), asyncio.create_task(batches.get(1))
    await storage.entered.wait()

    leaving.cancel()
    storage.go.set()

    assert await staying == "one"
    assert leaving.cancelled()
    assert storage.calls == [[1]]
