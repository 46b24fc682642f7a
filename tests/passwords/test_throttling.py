"""Throttling as an attacker meets it: guessing from one address, from many, and registering in bulk."""

import asyncio
from datetime import timedelta

import pytest

from application.use_cases.register_user import Registration
from domain.errors import (
    EmailAlreadyRegistered,
    InvalidCredentials,
    LoginThrottled,
    RegistrationThrottled,
)
from domain.throttling import ThrottleLetsOneAddressLockOut, ThrottlePolicy, account_address_key, throttle_key
from tests.support.in_memory_tessera import PASSWORD

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


async def _bots_fill_the_accounts_limit(app, email: str = "ada@example.com") -> None:  # type: ignore[no-untyped-def]
    """The attack of the third review: 10 addresses, 5 wrong guesses each, fill the account's limit;
    the 11th address is refused before its first guess."""
    for bot in range(10):
        for _ in range(5):
            with pytest.raises(InvalidCredentials):
                await app.log_in_from(f"192.0.2.{bot}", email, "wrong password")
    with pytest.raises(LoginThrottled):
        await app.log_in_from("192.0.2.10", email, "wrong password")


async def test_many_addresses_lock_strangers_out_of_the_account_but_not_the_owner_where_they_logged_in_before(
    app,
) -> None:
    await app.log_in_from(OWNER, "ada@example.com", PASSWORD)
    await _bots_fill_the_accounts_limit(app)
    account = throttle_key("account", "ada@example.com")
    assert app.store.tables.login_failures[account].failures >= 50

    assert (await app.log_in_from(OWNER, "ada@example.com", PASSWORD)).access_token
    with pytest.raises(LoginThrottled) as throttled:  # the right password, from a new address
        await app.log_in_from("198.51.100.200", "ada@example.com", PASSWORD)
    assert 0 < throttled.value.retry_after_seconds <= 15 * 60
    # The owner's success leaves the bots' count standing: it would otherwise hand them 50 more guesses.
    assert app.store.tables.login_failures[account].failures >= 50

    app.clock.advance(timedelta(minutes=15))
    assert (await app.log_in_from("198.51.100.200", "ada@example.com", PASSWORD)).access_token


async def test_past_the_accounts_limit_a_known_address_is_still_held_to_its_own_limit(app) -> None:
    await app.log_in_from(OWNER, "ada@example.com", PASSWORD)
    await _bots_fill_the_accounts_limit(app)

    for _ in range(5):
        with pytest.raises(InvalidCredentials):
            await app.log_in_from(OWNER, "ada@example.com", "wrong password")
    with pytest.raises(LoginThrottled):
        await app.log_in_from(OWNER, "ada@example.com", PASSWORD)


async def test_an_address_known_to_another_account_does_not_pass_this_accounts_limit(app) -> None:
    await app.register(Registration("eve@example.com", PASSWORD))
    await app.log_in_from(ATTACKER, "eve@example.com", PASSWORD)
    await _bots_fill_the_accounts_limit(app)

    with pytest.raises(LoginThrottled):
        await app.log_in_from(ATTACKER, "ada@example.com", PASSWORD)


async def test_a_locked_unknown_email_is_refused_from_everywhere_as_a_locked_account_is_to_strangers(app) -> None:
    await _bots_fill_the_accounts_limit(app, "nobody@example.com")
    with pytest.raises(LoginThrottled):
        await app.log_in_from(OWNER, "nobody@example.com", PASSWORD)


async def test_the_owner_passes_the_accounts_limit_from_anywhere_in_the_ipv6_64_they_logged_in_from(app) -> None:
    await app.log_in_from("2001:db8:1:2::1", "ada@example.com", PASSWORD)
    await _bots_fill_the_accounts_limit(app)

    assert (await app.log_in_from("2001:db8:1:2:a1b2:c3d4:e5f6:7", "ada@example.com", PASSWORD)).access_token
    with pytest.raises(LoginThrottled):
        await app.log_in_from("2001:db8:1:3::1", "ada@example.com", PASSWORD)


async def test_ipv6_addresses_in_one_64_share_one_count(app) -> None:
    for host in range(1, 6):
        with pytest.raises(InvalidCredentials):
            await app.log_in_from(f"2001:db8:aa:bb::{host}", "ada@example.com", "wrong password")

    with pytest.raises(LoginThrottled):
        await app.log_in_from("2001:db8:aa:bb:ffff::6", "ada@example.com", PASSWORD)
    stored = app.store.tables.login_failures
    assert stored[account_address_key("ada@example.com", "2001:db8:aa:bb::/64")].failures == 5
    assert stored[throttle_key("address", "2001:db8:aa:bb::/64")].failures == 5
    assert (await app.log_in_from("2001:db8:aa:bc::1", "ada@example.com", PASSWORD)).access_token


async def test_an_ipv4_mapped_ipv6_address_counts_as_the_ipv4_address(app) -> None:
    for address in ("::ffff:203.0.113.7", ATTACKER) * 2 + (ATTACKER,):
        with pytest.raises(InvalidCredentials):
            await app.log_in_from(address, "ada@example.com", "wrong password")

    with pytest.raises(LoginThrottled):
        await app.log_in_from("::ffff:203.0.113.7", "ada@example.com", PASSWORD)
    assert app.store.tables.login_failures[account_address_key("ada@example.com", ATTACKER)].failures == 5


async def test_registrations_from_one_ipv6_64_share_one_count(app) -> None:
    for n in range(10):
        await app.register(Registration(f"user{n}@example.com", PASSWORD, client_address=f"2001:db8:5::{n + 1}"))

    with pytest.raises(RegistrationThrottled):
        await app.register(Registration("eve@example.com", PASSWORD, client_address="2001:db8:5::ffff"))
    await app.register(Registration("eve@example.com", PASSWORD, client_address="2001:db8:6::1"))


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


async def test_past_the_account_limit_even_the_right_password_is_refused_until_the_window_ends(app):
    for _ in range(5):
        with pytest.raises(InvalidCredentials):
            await app.log_in(password="wrong password")
    app.clock.advance(timedelta(minutes=5))

    with pytest.raises(LoginThrottled) as throttled:
        await app.log_in()
    assert throttled.value.retry_after_seconds == 10 * 60

    app.clock.advance(timedelta(minutes=10))
    assert (await app.log_in()).access_token


async def test_a_successful_login_clears_the_failures_of_its_address(app):
    for _ in range(4):
        with pytest.raises(InvalidCredentials):
            await app.log_in(password="wrong password")
    await app.log_in()
    for _ in range(4):
        with pytest.raises(InvalidCredentials):
            await app.log_in(password="wrong password")
    assert (await app.log_in()).access_token


async def test_failures_from_one_address_across_accounts_hit_the_address_limit(app):
    for attempt in range(50):
        with pytest.raises(InvalidCredentials):
            await app.log_in_from("203.0.113.7", f"user{attempt}@example.com", "wrong password")
    with pytest.raises(LoginThrottled):
        await app.log_in_from("203.0.113.7", "ada@example.com", PASSWORD)
    assert (await app.log_in_from("198.51.100.1", "ada@example.com", PASSWORD)).access_token


async def test_unknown_emails_are_throttled_like_known_ones(app):
    for _ in range(5):
        with pytest.raises(InvalidCredentials):
            await app.log_in("nobody@example.com", "wrong password")
    with pytest.raises(LoginThrottled):
        await app.log_in("nobody@example.com", "wrong password")
