"""Throttling as an attacker meets it: guessing from one address, from many, and registering in bulk."""

import asyncio
from datetime import timedelta

import pytest

from application.use_cases.register_user import Registration
from domain.errors import EmailAlreadyRegistered, InvalidCredentials, LoginThrottled, RegistrationThrottled
from domain.throttling import ThrottleLetsOneAddressLockOut, ThrottlePolicy, throttle_key
from tests.unit.conftest import PASSWORD

pytestmark = pytest.mark.anyio

ATTACKER, OWNER = "203.0.113.7", "198.51.100.1"


async def test_failures_from_one_address_lock_that_address_out_of_the_account_and_not_the_owner(app) -> None:
    for _ in range(5):
        with pytest.raises(InvalidCredentials):
            await app.log_in_from(ATTACKER, "ada@example.com", "wrong password")

    with pytest.raises(LoginThrottled) as throttled:
        await app.log_in_from(ATTACKER, "ada@example.com", PASSWORD)
    assert throttled.value.retry_after_seconds == 15 * 60
    assert (await app.log_in_from(OWNER, "ada@example.com", PASSWORD)).access_token


async def test_one_address_cannot_fill_the_accounts_limit_even_with_attempts_sent_at_once(app, monkeypatch) -> None:
    """All 60 attempts pass the throttle check before any failure is recorded (the verification is
    held at a gate): the (account, address) count grows past its limit, the account's does not."""
    gate = asyncio.Event()
    verify = app.hasher.verify

    async def held(password_hash: str, password: str) -> bool:
        await gate.wait()
        return await verify(password_hash, password)

    monkeypatch.setattr(app.hasher, "verify", held)
    attempts = [asyncio.create_task(app.log_in_from(ATTACKER, "ada@example.com", "wrong password")) for _ in range(60)]
    await asyncio.sleep(0.05)
    gate.set()
    outcomes = await asyncio.gather(*attempts, return_exceptions=True)

    assert all(isinstance(outcome, InvalidCredentials) for outcome in outcomes)
    stored = app.store.tables.login_failures
    assert stored[throttle_key("account", "ada@example.com")].failures == 5
    assert (await app.log_in_from(OWNER, "ada@example.com", PASSWORD)).access_token


async def test_guesses_spread_over_many_addresses_hit_the_account_limit_for_everyone(app) -> None:
    for bot in range(10):
        for _ in range(5):
            with pytest.raises(InvalidCredentials):
                await app.log_in_from(f"192.0.2.{bot}", "ada@example.com", "wrong password")

    with pytest.raises(LoginThrottled):
        await app.log_in_from(OWNER, "ada@example.com", PASSWORD)
    app.clock.advance(timedelta(minutes=15))
    assert (await app.log_in_from(OWNER, "ada@example.com", PASSWORD)).access_token


async def test_registrations_past_the_limit_from_one_address_are_refused_before_any_lookup_or_hash(app) -> None:
    for n in range(9):
        await app.register(Registration(f"user{n}@example.com", PASSWORD, client_address=ATTACKER))
    app.clock.advance(timedelta(minutes=20))
    with pytest.raises(EmailAlreadyRegistered):  # a probe for a taken email counts too
        await app.register(Registration("ada@example.com", PASSWORD, client_address=ATTACKER))
    users_before = len(app.store.tables.users)

    with pytest.raises(RegistrationThrottled) as throttled:
        await app.register(Registration("eve@example.com", PASSWORD, client_address=ATTACKER))
    assert throttled.value.retry_after_seconds == 40 * 60
    with pytest.raises(RegistrationThrottled):
        await app.register(Registration("ada@example.com", PASSWORD, client_address=ATTACKER))
    assert len(app.store.tables.users) == users_before

    await app.register(Registration("grace@example.com", PASSWORD, client_address=OWNER))
    await app.register(Registration("operator-made@example.com", PASSWORD))  # `users create`: no address
    app.clock.advance(timedelta(minutes=40))
    await app.register(Registration("eve@example.com", PASSWORD, client_address=ATTACKER))


async def test_registration_counters_outlive_the_login_window_until_purged(app) -> None:
    from application.use_cases.purge_expired import PurgeExpired

    await app.register(Registration("eve@example.com", PASSWORD, client_address=ATTACKER))
    key = throttle_key("registration", ATTACKER)
    app.clock.advance(timedelta(minutes=30))
    await app.run(PurgeExpired)
    assert app.store.tables.login_failures[key].failures == 1
    app.clock.advance(timedelta(minutes=30))
    await app.run(PurgeExpired)
    assert key not in app.store.tables.login_failures


def test_an_account_limit_within_reach_of_one_address_is_refused() -> None:
    with pytest.raises(ThrottleLetsOneAddressLockOut):
        ThrottlePolicy(max_failures_per_account_address=5, max_failures_per_account=10)
    assert ThrottlePolicy(max_failures_per_account_address=5, max_failures_per_account=11)
