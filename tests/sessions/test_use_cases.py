from dataclasses import astuple
from datetime import timedelta
from uuid import UUID

import pytest

from adapters.process.process_revocation_view import ProcessRevocationView
from application.use_cases.register_user import Registration
from domain.errors import (
    EmailAlreadyRegistered,
    InvalidAccessToken,
    InvalidCredentials,
    InvalidRefreshToken,
    LoginThrottled,
    RefreshTokenReused,
)
from domain.sessions import Revocation, RevocationReason
from tests.fakes import FixedClock
from tests.support.in_memory_tessera import PASSWORD

pytestmark = pytest.mark.anyio


async def test_a_registered_user_can_log_in_and_use_the_access_token(app):
    pair = await app.log_in()

    assert app.verify(pair.access_token).user_id == next(iter(app.store.tables.users))
    assert (pair.expires_in, pair.refresh_expires_in) == (15 * 60, 14 * 24 * 3600)


@pytest.mark.parametrize("email", ["ada@example.com", "ADA@Example.COM", "  Ada@example.com "])
async def test_registering_a_taken_email_in_any_case_fails_and_stores_nothing(app, email):
    before = dict(app.store.tables.users)

    with pytest.raises(EmailAlreadyRegistered):
        await app.register(Registration(email, "another password"))

    assert app.store.tables.users == before


async def test_logging_in_with_an_unknown_email_fails_after_a_dummy_verification(app):
    with pytest.raises(InvalidCredentials):
        await app.log_in("grace@example.com")

    assert app.hasher.dummy_verifications == 1
    assert app.store.tables.sessions == {}


async def test_logging_in_with_a_wrong_password_fails_like_an_unknown_email(app):
    with pytest.raises(InvalidCredentials):
        await app.log_in(password="wrong horse battery")

    assert app.store.tables.sessions == {}


async def test_refreshing_spends_the_old_token_and_stores_only_the_hash_of_the_new_one(app):
    first = await app.log_in()
    app.clock.advance(timedelta(minutes=10))

    second = await app.refresh(first.refresh_token)

    assert second.refresh_token != first.refresh_token
    assert app.record_of(first.refresh_token).rotated_at == app.clock.now()
    successor = app.record_of(second.refresh_token)
    assert successor.rotated_at is None
    assert successor.session_id == app.record_of(first.refresh_token).session_id
    assert app.verify(second.access_token).session_id == successor.session_id
    stored = [str(field) for record in app.store.tables.refresh_tokens.values() for field in astuple(record)]
    assert not any(secret in field for secret in (first.refresh_token, second.refresh_token) for field in stored)


async def test_reusing_a_rotated_refresh_token_revokes_the_session(app):
    first = await app.log_in()
    second = await app.refresh(first.refresh_token)
    app.verify(second.access_token)  # live before the theft is noticed
    app.clock.advance(timedelta(minutes=1))

    with pytest.raises(RefreshTokenReused):
        await app.refresh(first.refresh_token)

    session = app.session_of(first)
    assert (session.revoked_at, session.revocation_reason) == (app.clock.now(), RevocationReason.REFRESH_TOKEN_REUSED)
    with pytest.raises(InvalidRefreshToken):
        await app.refresh(second.refresh_token)
    for access_token in (first.access_token, second.access_token):
        with pytest.raises(InvalidAccessToken):
            app.verify(access_token)


async def test_a_retry_within_the_grace_window_gets_the_same_successor_until_the_window_closes(app):
    first = await app.log_in()
    second = await app.refresh(first.refresh_token)

    app.clock.advance(timedelta(seconds=5))
    assert (await app.refresh(first.refresh_token)).refresh_token == second.refresh_token
    app.clock.advance(timedelta(seconds=4))  # 9 s after the rotation: still within, though 4 s after the last retry
    assert (await app.refresh(first.refresh_token)).refresh_token == second.refresh_token
    assert not app.session_of(first).is_revoked

    app.clock.advance(timedelta(seconds=1))  # 10 s after the rotation: the window has closed
    with pytest.raises(RefreshTokenReused):
        await app.refresh(first.refresh_token)
    assert app.session_of(first).revocation_reason is RevocationReason.REFRESH_TOKEN_REUSED


async def test_a_retry_after_the_successor_was_used_is_theft(app):
    first = await app.log_in()
    second = await app.refresh(first.refresh_token)
    third = await app.refresh(second.refresh_token)

    with pytest.raises(RefreshTokenReused):
        await app.refresh(first.refresh_token)
    with pytest.raises(InvalidAccessToken):
        app.verify(third.access_token)


async def test_an_expired_refresh_token_is_refused_without_revoking_the_session(app):
    pair = await app.log_in()
    app.clock.advance(app.policy.refresh_ttl + timedelta(seconds=1))

    with pytest.raises(InvalidRefreshToken) as refused:
        await app.refresh(pair.refresh_token)

    assert not isinstance(refused.value, RefreshTokenReused)
    assert not app.session_of(pair).is_revoked
    assert app.record_of(pair.refresh_token).rotated_at is None


async def test_an_unknown_refresh_token_is_refused(app):
    await app.log_in()

    with pytest.raises(InvalidRefreshToken) as refused:
        await app.refresh("refresh-token-that-was-never-issued")

    assert not isinstance(refused.value, RefreshTokenReused)


async def test_logging_out_revokes_only_that_session(app):
    laptop, phone = await app.log_in(), await app.log_in()

    await app.log_out(app.verify(laptop.access_token))

    assert app.session_of(phone).revoked_at is None
    with pytest.raises(InvalidAccessToken):
        app.verify(laptop.access_token)
    with pytest.raises(InvalidRefreshToken):
        await app.refresh(laptop.refresh_token)
    assert app.verify((await app.refresh(phone.refresh_token)).access_token).session_id == app.session_of(phone).id


async def test_logging_out_everywhere_revokes_every_session_of_the_user_and_no_one_else(app):
    await app.register(Registration("grace@example.com", "grace's password"))
    laptop, phone = await app.log_in(), await app.log_in()
    grace = await app.log_in("grace@example.com", "grace's password")

    await app.log_out_everywhere(app.verify(phone.access_token))

    for pair in (laptop, phone):
        with pytest.raises(InvalidAccessToken):
            app.verify(pair.access_token)
        with pytest.raises(InvalidRefreshToken):
            await app.refresh(pair.refresh_token)
    assert app.session_of(grace).revoked_at is None
    assert app.verify((await app.refresh(grace.refresh_token)).access_token).session_id == app.session_of(grace).id


async def test_loading_revocations_makes_a_restarted_process_refuse_revoked_sessions(app):
    kept, revoked = await app.log_in(), await app.log_in()
    await app.log_out(app.verify(revoked.access_token))

    restarted = await app.restarted()
    restarted.verify(revoked.access_token)  # a fresh view knows nothing yet
    loaded = await restarted.load_revocations().execute()

    assert loaded == 1
    with pytest.raises(InvalidAccessToken):
        restarted.verify(revoked.access_token)
    assert restarted.verify(kept.access_token).session_id == app.session_of(kept).id


async def test_loading_revocations_ignores_those_older_than_the_revocation_window(app):
    old = await app.log_in()
    await app.log_out(app.verify(old.access_token))
    app.clock.advance(app.policy.revocation_window + timedelta(seconds=1))
    recent = await app.log_in()
    await app.log_out(app.verify(recent.access_token))

    view = ProcessRevocationView(app.policy.revocation_window)
    loaded = await app.load_revocations(into=view).execute()

    assert loaded == 1
    assert view.size() == 1
    assert view.is_revoked(app.session_of(recent).id, app.clock.now())


def test_the_revocation_view_forgets_a_revocation_once_its_window_has_passed():
    clock, window = FixedClock(), timedelta(minutes=15, seconds=30)
    view = ProcessRevocationView(window)
    first, second = Revocation(UUID(int=1), clock.now()), Revocation(UUID(int=2), clock.now() + window)

    view.add([first])
    assert view.is_revoked(first.session_id, clock.now() + window - timedelta(microseconds=1))
    assert not view.is_revoked(first.session_id, clock.now() + window)

    view.add([second])  # arriving a window later, it sweeps the first out of memory
    assert view.size() == 1
    assert view.is_revoked(second.session_id, second.revoked_at)


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


async def test_a_password_hashed_with_older_parameters_is_rehashed_on_the_next_login(app):
    user_id = next(iter(app.store.tables.users))
    app.hasher.current_scheme = "plain2$"

    await app.log_in()

    assert app.store.tables.users[user_id].password_hash == "plain2$" + PASSWORD
    assert (await app.log_in()).access_token


async def test_security_events_name_who_and_which_session_and_never_a_secret(app):
    pair = await app.log_in()
    with pytest.raises(InvalidCredentials):
        await app.log_in(password="wrong password")
    second = await app.refresh(pair.refresh_token)
    await app.refresh(second.refresh_token)
    with pytest.raises(RefreshTokenReused):
        await app.refresh(pair.refresh_token)
    other = await app.log_in()
    await app.log_out(app.verify(other.access_token))

    kinds = [event.kind.value for event in app.events.events]
    assert kinds == [
        "login_succeeded",
        "login_failed",
        "refreshed",
        "refreshed",
        "refresh_token_reused",
        "login_succeeded",
        "logged_out",
    ]
    session = app.session_of(pair).id
    assert all(e.session_id == session for e in app.events.events[2:5])
    secrets = {PASSWORD, "wrong password", pair.refresh_token, second.refresh_token, pair.access_token}
    assert not any(secret in repr(event) for event in app.events.events for secret in secrets)


async def test_a_refresh_token_alone_ends_its_session_without_issuing_anything(app):
    pair = await app.log_in()
    tokens_before = len(app.store.tables.refresh_tokens)

    await app.log_out_by_refresh_token(pair.refresh_token)

    assert app.session_of(pair).revocation_reason is RevocationReason.LOGOUT
    assert len(app.store.tables.refresh_tokens) == tokens_before
    with pytest.raises(InvalidAccessToken):
        app.verify(pair.access_token)
    assert [e.kind.value for e in app.events.events][-1] == "logged_out"
    with pytest.raises(InvalidRefreshToken):
        await app.log_out_by_refresh_token("unknown")
