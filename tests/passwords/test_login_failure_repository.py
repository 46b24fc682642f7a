import asyncio
from datetime import timedelta

import pytest

from domain.throttling import FailureCount
from tests.support.builders import T0
from tests.support.storage_contract import UnitOfWorkFactory

pytestmark = pytest.mark.anyio

WINDOW = timedelta(minutes=15)
KEY = "a" * 64


async def _record(new_uow: UnitOfWorkFactory, at: timedelta) -> FailureCount:
    async with new_uow() as uow:
        counted = await uow.login_failures.record(KEY, T0 + at, WINDOW)
        await uow.commit()
    return counted


async def test_failures_are_counted_within_a_window_that_starts_at_the_first(new_uow: UnitOfWorkFactory) -> None:
    assert await _record(new_uow, timedelta(0)) == FailureCount(1, T0)
    assert await _record(new_uow, timedelta(minutes=5)) == FailureCount(2, T0)
    async with new_uow() as uow:
        assert await uow.login_failures.get(KEY) == FailureCount(2, T0)
        assert await uow.login_failures.get("b" * 64) is None


async def test_a_failure_after_the_window_starts_a_new_one(new_uow: UnitOfWorkFactory) -> None:
    await _record(new_uow, timedelta(0))
    await _record(new_uow, timedelta(minutes=1))
    assert await _record(new_uow, WINDOW) == FailureCount(1, T0 + WINDOW)


async def test_clearing_forgets_the_count(new_uow: UnitOfWorkFactory) -> None:
    await _record(new_uow, timedelta(0))
    async with new_uow() as uow:
        await uow.login_failures.clear(KEY)
        await uow.login_failures.clear("never-recorded")
        await uow.commit()
    async with new_uow() as uow:
        assert await uow.login_failures.get(KEY) is None


async def test_concurrent_failures_are_all_counted(new_uow: UnitOfWorkFactory) -> None:
    await asyncio.gather(*(_record(new_uow, timedelta(seconds=second)) for second in range(10)))
    async with new_uow() as uow:
        counted = await uow.login_failures.get(KEY)
    assert counted is not None and counted.failures == 10


async def test_concurrent_records_each_return_their_own_count(new_uow: UnitOfWorkFactory) -> None:
    """Login relies on it: a failure beyond an address's own limit must not reach the account's count."""
    counts = await asyncio.gather(*(_record(new_uow, timedelta(seconds=second)) for second in range(10)))
    assert sorted(count.failures for count in counts) == list(range(1, 11))


async def test_a_failure_recorded_without_commit_is_not_counted(new_uow: UnitOfWorkFactory) -> None:
    async with new_uow() as uow:
        await uow.login_failures.record(KEY, T0, WINDOW)
    async with new_uow() as uow:
        assert await uow.login_failures.get(KEY) is None


async def test_purging_deletes_only_counters_whose_window_has_ended(new_uow: UnitOfWorkFactory) -> None:
    await _record(new_uow, timedelta(0))
    async with new_uow() as uow:
        await uow.login_failures.record("b" * 64, T0 + timedelta(minutes=10), WINDOW)
        await uow.commit()

    async with new_uow() as uow:
        assert await uow.login_failures.purge(T0 + WINDOW, WINDOW, batch_size=100) == 1
        await uow.commit()

    async with new_uow() as uow:
        assert await uow.login_failures.get(KEY) is None
        assert await uow.login_failures.get("b" * 64) == FailureCount(1, T0 + timedelta(minutes=10))


async def test_many_counts_are_read_at_once_and_keys_without_a_count_are_left_out(new_uow: UnitOfWorkFactory) -> None:
    await _record(new_uow, timedelta(0))
    await _record(new_uow, timedelta(minutes=1))
    async with new_uow() as uow:
        await uow.login_failures.record("b" * 64, T0 + timedelta(minutes=2), WINDOW)
        await uow.commit()
    async with new_uow() as uow:
        counts = await uow.login_failures.get_many([KEY, "b" * 64, "never-recorded", KEY])
        nothing = await uow.login_failures.get_many([])
    assert counts == {KEY: FailureCount(2, T0), "b" * 64: FailureCount(1, T0 + timedelta(minutes=2))}
    assert nothing == {}
