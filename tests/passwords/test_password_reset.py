"""Resetting a forgotten password by email: no enumeration, a single-use token for 30 minutes, and
every session of the user ends."""

from datetime import timedelta

import pytest

from application.actors import OPERATOR
from application.use_cases.confirm_password_reset import ConfirmPasswordReset
from application.use_cases.create_password_reset_link import CreatePasswordResetLink
from application.use_cases.disable_user import DisableUser
from application.use_cases.purge_expired import PurgeExpired
from application.use_cases.register_user import Registration
from application.use_cases.request_password_reset import RequestPasswordReset
from domain.errors import (
    InvalidAccessToken,
    InvalidCredentials,
    InvalidEmail,
    InvalidPassword,
    InvalidPasswordResetToken,
    InvalidRefreshToken,
    PasswordResetThrottled,
    UnknownUser,
)
from domain.events import EventKind
from domain.password_resets import hash_reset_token
from domain.sessions import RevocationReason
from domain.throttling import throttle_key
from tests.support.in_memory_tessera import PASSWORD, Tessera

pytestmark = pytest.mark.anyio

NEW = "a brand new passphrase"
LINK = "http://localhost:8000/reset-password?token="


async def _mailed_token(app: Tessera, email: str = "ada@example.com") -> str:
    await app.run(RequestPasswordReset, email, "198.51.100.7")
    mail = app.outbox.sent[-1]
    assert mail.to == email
    line = next(line for line in mail.body.splitlines() if line.startswith(LINK))
    return line.removeprefix(LINK)


async def test_a_reset_is_mailed_to_a_real_user_only_and_stores_only_a_hash(app: Tessera) -> None:
    for unknown in ("nobody@example.com", "ADA@example.com.invalid"):
        await app.run(RequestPasswordReset, unknown, "198.51.100.7")
    with pytest.raises(InvalidEmail):
        await app.run(RequestPasswordReset, "not an email", "198.51.100.7")
    assert app.outbox.sent == [] and app.store.tables.password_resets == {}

    token = await _mailed_token(app, "ada@example.com")

    assert len(app.outbox.sent) == 1
    (stored,) = app.store.tables.password_resets.values()
    assert stored.token_hash == hash_reset_token(token) and token not in repr(stored)
    assert stored.expires_at == app.clock.now() + timedelta(minutes=30)
    assert [e.kind for e in app.events.events].count(EventKind.PASSWORD_RESET_REQUESTED) == 1


async def test_confirming_sets_the_password_and_ends_every_session(app: Tessera) -> None:
    laptop, phone = await app.log_in(), await app.log_in()
    token = await _mailed_token(app)

    await app.run(ConfirmPasswordReset, token, NEW, "198.51.100.7")

    for pair in (laptop, phone):
        assert app.session_of(pair).revocation_reason is RevocationReason.PASSWORD_RESET
        with pytest.raises(InvalidAccessToken):
            app.verify(pair.access_token)
        with pytest.raises(InvalidRefreshToken):
            await app.refresh(pair.refresh_token)
    with pytest.raises(InvalidCredentials):
        await app.log_in(password=PASSWORD)
    await app.log_in(password=NEW)


async def test_a_token_works_once_and_a_reset_voids_the_users_other_tokens(app: Tessera) -> None:
    first, second = await _mailed_token(app), await _mailed_token(app)

    await app.run(ConfirmPasswordReset, first, NEW)

    for spent in (first, second):
        with pytest.raises(InvalidPasswordResetToken):
            await app.run(ConfirmPasswordReset, spent, "yet another passphrase")
    await app.log_in(password=NEW)


async def test_a_token_expires_30_minutes_after_it_was_issued(app: Tessera) -> None:
    token = await _mailed_token(app)
    app.clock.advance(timedelta(minutes=30))

    with pytest.raises(InvalidPasswordResetToken):
        await app.run(ConfirmPasswordReset, token, NEW)
    await app.log_in(password=PASSWORD)


async def test_an_unknown_token_is_refused_and_a_bad_new_password_spends_nothing(app: Tessera) -> None:
    token = await _mailed_token(app)

    with pytest.raises(InvalidPasswordResetToken):
        await app.run(ConfirmPasswordReset, "guessed", NEW)
    with pytest.raises(InvalidPasswordResetToken):
        await app.run(ConfirmPasswordReset, "", NEW)
    with pytest.raises(InvalidPassword):
        await app.run(ConfirmPasswordReset, token, "short")

    await app.run(ConfirmPasswordReset, token, NEW)


async def test_a_disabled_user_gets_no_mail_and_their_earlier_token_no_longer_works(app: Tessera) -> None:
    token = await _mailed_token(app)
    await app.run(DisableUser, next(iter(app.store.tables.users)), OPERATOR)

    await app.run(RequestPasswordReset, "ada@example.com")
    assert len(app.outbox.sent) == 1
    with pytest.raises(InvalidPasswordResetToken):
        await app.run(ConfirmPasswordReset, token, NEW)


async def test_an_operator_link_is_a_working_reset_link_for_a_known_user_only(app: Tessera) -> None:
    link = await app.run(CreatePasswordResetLink, "Ada@Example.com")

    assert link.startswith(LINK) and app.outbox.sent == []
    await app.run(ConfirmPasswordReset, link.removeprefix(LINK), NEW)
    await app.log_in(password=NEW)
    with pytest.raises(UnknownUser):
        await app.run(CreatePasswordResetLink, "nobody@example.com")


async def test_purging_deletes_expired_reset_tokens(app: Tessera) -> None:
    await _mailed_token(app)
    app.clock.advance(timedelta(minutes=31))

    await app.run(PurgeExpired)

    assert app.store.tables.password_resets == {}


async def test_an_inbox_gets_at_most_three_reset_mails_per_window_and_every_answer_is_the_same(app: Tessera) -> None:
    for _ in range(5):
        assert await app.run(RequestPasswordReset, "ada@example.com", "198.51.100.7") is None

    assert len(app.outbox.sent) == 3 and len(app.store.tables.password_resets) == 3
    app.clock.advance(timedelta(minutes=15))
    await _mailed_token(app)
    assert len(app.outbox.sent) == 4


async def test_requests_for_unknown_emails_are_counted_alike(app: Tessera) -> None:
    for _ in range(2):
        await app.run(RequestPasswordReset, "nobody@example.com")
        await app.run(RequestPasswordReset, "ada@example.com")

    counts = sorted(count.failures for count in app.store.tables.login_failures.values())
    assert counts == [2, 2] and len(app.outbox.sent) == 2


async def test_one_address_may_ask_ten_resets_a_window_for_any_emails_and_is_then_refused_and_mails_nothing(
    app: Tessera,
) -> None:
    await app.register(Registration("grace@example.com", PASSWORD))
    for n in range(8):
        await app.run(RequestPasswordReset, f"nobody{n}@example.com", "203.0.113.7")
    await app.run(RequestPasswordReset, "ada@example.com", "203.0.113.7")
    await app.run(RequestPasswordReset, "grace@example.com", "203.0.113.7")
    assert len(app.outbox.sent) == 2
    counts_before = dict(app.store.tables.login_failures)

    for email in ("ada@example.com", "nobody@example.com"):
        with pytest.raises(PasswordResetThrottled) as throttled:
            await app.run(RequestPasswordReset, email, "203.0.113.7")
        assert throttled.value.retry_after_seconds == 15 * 60

    assert len(app.outbox.sent) == 2 and len(app.store.tables.password_resets) == 2
    address = throttle_key("password-reset-address", "203.0.113.7")
    assert app.store.tables.login_failures[address].failures == 12
    assert {k: v for k, v in app.store.tables.login_failures.items() if k != address} == {
        k: v for k, v in counts_before.items() if k != address
    }  # a refused request counts towards no email
    await app.run(RequestPasswordReset, "ada@example.com", "198.51.100.7")  # another address
    assert len(app.outbox.sent) == 3
    app.clock.advance(timedelta(minutes=15))
    await app.run(RequestPasswordReset, "grace@example.com", "203.0.113.7")
    assert len(app.outbox.sent) == 4


async def test_reset_requests_from_one_ipv6_64_share_one_count(app: Tessera) -> None:
    for host in range(1, 11):
        await app.run(RequestPasswordReset, "nobody@example.com", f"2001:db8:7:7::{host}")

    with pytest.raises(PasswordResetThrottled):
        await app.run(RequestPasswordReset, "ada@example.com", "2001:db8:7:7:ffff::1")
    await app.run(RequestPasswordReset, "ada@example.com", "2001:db8:7:8::1")
    assert [mail.to for mail in app.outbox.sent] == ["ada@example.com"]
