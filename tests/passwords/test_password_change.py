"""Changing one's password: every other session ends, this one stays; the current password is
checked under the login throttle."""

from collections.abc import Awaitable, Callable
from datetime import timedelta

import pytest

from application.actors import OPERATOR
from application.ports.profile_cache import ProfileCache
from application.results import Principal
from application.use_cases.change_password import ChangePassword, PasswordChange
from application.use_cases.confirm_password_reset import ConfirmPasswordReset
from application.use_cases.disable_user import DisableUser
from application.use_cases.get_profile import GetProfile
from application.use_cases.request_password_reset import RequestPasswordReset
from domain.errors import (
    InvalidAccessToken,
    InvalidCredentials,
    InvalidPassword,
    InvalidPasswordResetToken,
    InvalidRefreshToken,
    LoginThrottled,
    WrongCurrentPassword,
)
from domain.events import EventKind
from domain.sessions import RevocationReason
from domain.users import Email
from tests.support.in_memory_tessera import PASSWORD, Tessera

pytestmark = pytest.mark.anyio

NEW = "a brand new passphrase"


async def test_a_password_change_ends_every_other_session_and_keeps_this_one(app: Tessera) -> None:
    laptop, phone = await app.log_in(), await app.log_in()
    caller = app.verify(laptop.access_token)

    await app.run(ChangePassword, caller, PasswordChange(PASSWORD, NEW, "198.51.100.7"))

    ended = app.session_of(phone)
    assert (ended.revoked_at, ended.revocation_reason) == (app.clock.now(), RevocationReason.PASSWORD_CHANGED)
    with pytest.raises(InvalidAccessToken):
        app.verify(phone.access_token)
    with pytest.raises(InvalidRefreshToken):
        await app.refresh(phone.refresh_token)
    assert not app.session_of(laptop).is_revoked
    assert app.verify((await app.refresh(laptop.refresh_token)).access_token).session_id == caller.session_id
    with pytest.raises(InvalidCredentials):
        await app.log_in(password=PASSWORD)
    await app.log_in(password=NEW)
    event = next(e for e in app.events.events if e.kind is EventKind.PASSWORD_CHANGED)
    assert (event.user_id, event.session_id, event.detail) == (caller.user_id, caller.session_id, "sessions=1")


async def test_a_wrong_current_password_changes_nothing_and_counts_as_a_failed_login(app: Tessera) -> None:
    pair = await app.log_in()
    caller = app.verify(pair.access_token)
    for _ in range(5):
        with pytest.raises(WrongCurrentPassword):
            await app.run(ChangePassword, caller, PasswordChange("not my password", NEW, "198.51.100.7"))

    with pytest.raises(LoginThrottled):
        await app.run(ChangePassword, caller, PasswordChange(PASSWORD, NEW, "198.51.100.7"))
    with pytest.raises(LoginThrottled):
        await app.log_in_from("198.51.100.7", "ada@example.com", PASSWORD)
    await app.log_in(password=PASSWORD)  # from elsewhere, the old password still works: nothing changed


async def test_a_new_password_breaking_the_rules_is_refused_before_anything_is_counted(app: Tessera) -> None:
    caller = app.verify((await app.log_in()).access_token)
    failures_before = dict(app.store.tables.login_failures)

    with pytest.raises(InvalidPassword):
        await app.run(ChangePassword, caller, PasswordChange("not my password", "short", "198.51.100.7"))

    assert app.store.tables.login_failures == failures_before
    await app.log_in(password=PASSWORD)


async def test_a_password_change_voids_every_unused_reset_token_of_the_user(app: Tessera) -> None:
    """A reset link mailed before the change (to an inbox someone else may read) resets nothing after it."""
    caller = app.verify((await app.log_in()).access_token)
    for _ in range(2):
        await app.run(RequestPasswordReset, "ada@example.com", "198.51.100.7")
    link = app.outbox.sent[-1].body.split("token=", 1)[1].split()[0]
    assert all(token.used_at is None for token in app.store.tables.password_resets.values())

    await app.run(ChangePassword, caller, PasswordChange(PASSWORD, NEW, "198.51.100.7"))

    stored = list(app.store.tables.password_resets.values())
    assert len(stored) == 2 and all(token.used_at == app.clock.now() for token in stored)
    with pytest.raises(InvalidPasswordResetToken):
        await app.run(ConfirmPasswordReset, link, "yet another passphrase")
    await app.log_in(password=NEW)


async def _change(app: Tessera, caller: Principal) -> None:
    await app.run(ChangePassword, caller, PasswordChange(PASSWORD, NEW, "198.51.100.7"))


async def _reset(app: Tessera, _: Principal) -> None:
    await app.run(RequestPasswordReset, "ada@example.com", "198.51.100.7")
    token = app.outbox.sent[-1].body.split("token=", 1)[1].split()[0]
    await app.run(ConfirmPasswordReset, token, NEW, "198.51.100.7")


async def _disable(app: Tessera, _: Principal) -> None:
    await app.run(DisableUser, Email.parse("ada@example.com"), OPERATOR)


@pytest.mark.parametrize("owner_acts", [_change, _reset, _disable], ids=["change", "reset", "disable"])
async def test_a_new_password_is_a_user_change_as_a_disabling_is_stamped_for_every_replica_and_forgotten_here(
    app: Tessera, owner_acts: Callable[[Tessera, Principal], Awaitable[None]]
) -> None:
    """`UserChanges` covers passwords: the stamp is what other replicas' polls find (`changed_since`), and
    this process forgets the profile it cached, as for any other change of the user."""
    caller = app.verify((await app.log_in()).access_token)
    await app.run(GetProfile, caller)
    cache = await app.container.get(ProfileCache)
    assert cache.get(caller.user_id) is not None
    app.clock.advance(timedelta(seconds=5))

    await owner_acts(app, caller)

    assert app.store.tables.user_changes[caller.user_id] == app.clock.now()
    async with app.uow() as uow:
        assert await uow.users.changed_since(app.clock.now()) == {caller.user_id: app.clock.now()}
    assert cache.get(caller.user_id) is None
