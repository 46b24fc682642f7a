"""Defences of password hashing and login that no attack over HTTP reaches on its own: argon2id rehashed
when its parameters change, dummy verifications, digests in the failure counters, a bound on
concurrent hashes."""

import pytest

from application.use_cases.register_user import Registration
from domain.errors import InvalidCredentials
from tests.support.argon2 import cheap_hasher
from tests.support.in_memory_tessera import PASSWORD

pytestmark = pytest.mark.anyio


async def test_the_password_hasher_is_argon2id_and_rehashes_when_its_parameters_change() -> None:
    weak = cheap_hasher()
    stored = await weak.hash(PASSWORD)

    assert stored.startswith("$argon2id$")
    assert await weak.verify(stored, PASSWORD)
    assert not await weak.verify(stored, PASSWORD + "!")
    assert not await weak.verify("not a hash", PASSWORD)
    assert not weak.needs_rehash(stored)
    assert cheap_hasher(time_cost=2, memory_cost_kib=16).needs_rehash(stored)
    await weak.verify_dummy(PASSWORD)


STORED_WITH = {"memory_cost_kib": 32, "time_cost": 2, "parallelism": 2}


PARAMETER_CHANGES = {
    "memory up": {"memory_cost_kib": 64},
    "memory down": {"memory_cost_kib": 16},
    "time up": {"time_cost": 3},
    "time down": {"time_cost": 1},
    "lanes up": {"parallelism": 4},
    "lanes down": {"parallelism": 1},
}


@pytest.mark.parametrize("change", PARAMETER_CHANGES.values(), ids=PARAMETER_CHANGES.keys())
async def test_a_hash_made_with_any_other_memory_time_or_lanes_needs_a_rehash_up_or_down(
    change: dict[str, int],
) -> None:
    """A deployment that lowers its cost (to OWASP's 19 MiB, t=2) rehashes as surely as one that raises it."""
    stored = await cheap_hasher(**STORED_WITH).hash(PASSWORD)
    now = cheap_hasher(**{**STORED_WITH, **change})

    assert now.needs_rehash(stored)
    assert await now.verify(stored, PASSWORD)  # the old hash still lets its owner in, to be rehashed
    assert not await now.verify(stored, PASSWORD + "!")
    assert not cheap_hasher(**STORED_WITH).needs_rehash(stored)


async def test_a_malformed_email_spends_a_dummy_verification_like_an_unknown_one(app) -> None:
    with pytest.raises(InvalidCredentials):
        await app.log_in("not-an-email", PASSWORD)
    assert app.hasher.dummy_verifications == 1


async def test_failed_login_counters_store_digests_not_emails_or_addresses(app) -> None:
    with pytest.raises(InvalidCredentials):
        await app.log_in_from("203.0.113.9", "ada@example.com", "wrong password")
    await app.register(Registration("grace@example.com", "grace's password", client_address="203.0.113.9"))
    keys = list(app.store.tables.login_failures)
    assert len(keys) == 4  # (account, address), account, address; registrations by address
    assert all(len(key) == 64 and "ada" not in key and "203.0" not in key for key in keys)


async def test_no_more_password_hashes_run_at_once_than_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each hash holds its thread until the test lets one go, so what overlaps is decided by the
    hasher's bound alone, never by how busy the machine is: two run at once, and a third starts only
    when one of them has finished."""
    import threading

    import anyio

    hasher = cheap_hasher(concurrency=2)
    running, most, finished = 0, 0, 0
    changed = threading.Condition()
    let_one_go = threading.Semaphore(0)

    def held_hash(password: str) -> str:
        nonlocal running, most, finished
        with changed:
            running += 1
            most = max(most, running)
            changed.notify_all()
        let_one_go.acquire(timeout=30)
        with changed:
            running -= 1
            finished += 1
            changed.notify_all()
        return "$argon2id$fake"

    class HeldArgon2:
        hash = staticmethod(held_hash)

    monkeypatch.setattr(hasher, "_argon2", HeldArgon2())

    def settled(in_flight: int, done: int) -> bool:
        with changed:
            return changed.wait_for(lambda: (running, finished) == (in_flight, done), timeout=10)

    async def until_settled(in_flight: int, done: int) -> None:
        assert await anyio.to_thread.run_sync(settled, in_flight, done), (in_flight, done, running, finished)

    async with anyio.create_task_group() as group:
        for _ in range(6):
            group.start_soon(hasher.hash, PASSWORD)
        try:
            for left in range(6, 0, -1):
                await until_settled(in_flight=min(2, left), done=6 - left)
                let_one_go.release()
        except BaseException:
            for _ in range(6):
                let_one_go.release()
            raise

    assert most == 2
