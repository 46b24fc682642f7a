"""A person's devices, and an operator's hold on accounts: roles, disabling, ending sessions."""

from datetime import timedelta
from uuid import UUID

import pytest

from application.actors import OPERATOR, Actor
from application.use_cases.disable_user import DisableUser
from application.use_cases.enable_user import EnableUser
from application.use_cases.end_session import EndSession
from application.use_cases.end_user_sessions import EndUserSessions
from application.use_cases.grant_role import GrantRole
from application.use_cases.list_sessions import ListSessions
from application.use_cases.list_users import ListUsers
from application.use_cases.log_in import Credentials, LogIn
from application.use_cases.register_user import Registration
from application.use_cases.revoke_role import RevokeRole
from domain.errors import (
    AccountDisabled,
    CannotDisableSelf,
    InsufficientRole,
    InvalidAccessToken,
    InvalidCredentials,
    InvalidRefreshToken,
    InvalidRole,
    SessionNotFound,
    UnknownUser,
)
from domain.events import EventKind
from domain.sessions import RevocationReason
from domain.users import Email
from tests.support.in_memory_tessera import PASSWORD

pytestmark = pytest.mark.anyio
ADA = Email.parse("ada@example.com")


def ada_id(app) -> UUID:  # type: ignore[no-untyped-def]
    return next(u.id for u in app.store.tables.users.values() if u.email == ADA)


async def an_admin(app, email: str = "root@example.com"):  # type: ignore[no-untyped-def]
    profile = await app.register(Registration(email, PASSWORD, roles=("admin",)))
    return Actor(profile.id)


async def test_a_session_records_the_device_it_was_opened_from(app):
    await app.run(LogIn, Credentials("ada@example.com", PASSWORD, "203.0.113.9", "Firefox/140"))

    (session,) = app.store.tables.sessions.values()
    assert (session.user_agent, session.client_address) == ("Firefox/140", "203.0.113.9")


async def test_the_session_list_shows_live_sessions_newest_first_and_marks_the_current_one(app):
    laptop = await app.log_in()
    app.clock.advance(timedelta(minutes=1))
    phone = await app.log_in()
    app.clock.advance(timedelta(minutes=1))
    ended = await app.log_in()
    await app.log_out(app.verify(ended.access_token))

    listed = (await app.run(ListSessions, app.verify(laptop.access_token))).sessions

    assert [s.id for s in listed] == [app.session_of(phone).id, app.session_of(laptop).id]
    assert [s.current for s in listed] == [False, True]


async def test_ending_one_session_leaves_the_others_working_and_is_audited(app):
    laptop, phone = await app.log_in(), await app.log_in()
    caller = app.verify(laptop.access_token)

    await app.run(EndSession, caller, app.session_of(phone).id, "198.51.100.7")

    stored = app.session_of(phone)
    assert (stored.revoked_at, stored.revocation_reason) == (app.clock.now(), RevocationReason.ENDED_BY_USER)
    with pytest.raises(InvalidAccessToken):
        app.verify(phone.access_token)
    with pytest.raises(InvalidRefreshToken):
        await app.refresh(phone.refresh_token)
    assert app.verify((await app.refresh(laptop.refresh_token)).access_token).user_id == caller.user_id
    event = next(e for e in app.events.events if e.kind is EventKind.SESSION_ENDED)
    assert (event.user_id, event.session_id, event.client_address, event.detail) == (
        caller.user_id,
        stored.id,
        "198.51.100.7",
        "self",
    )


async def test_another_users_session_an_unknown_one_and_an_ended_one_are_all_not_found(app):
    await app.register(Registration("bob@example.com", PASSWORD))
    ada, bob = await app.log_in(), await app.log_in("bob@example.com")
    caller = app.verify(ada.access_token)
    await app.run(EndSession, caller, app.session_of(ada).id)  # ending the current one is a logout

    for session_id in (app.session_of(bob).id, UUID(int=999), app.session_of(ada).id):
        with pytest.raises(SessionNotFound):
            await app.run(EndSession, caller, session_id)
    assert not app.session_of(bob).is_revoked


async def test_disabling_a_user_ends_every_session_and_refuses_login_only_after_the_password(app):
    admin = await an_admin(app)
    laptop, phone = await app.log_in(), await app.log_in()

    summary = await app.run(DisableUser, ADA, admin)

    assert summary.disabled_at == app.clock.now()
    assert app.store.tables.users[ada_id(app)].disabled_at == app.clock.now()
    for pair in (laptop, phone):
        assert app.session_of(pair).revocation_reason is RevocationReason.USER_DISABLED
        with pytest.raises(InvalidAccessToken):
            app.verify(pair.access_token)
        with pytest.raises(InvalidRefreshToken):
            await app.refresh(pair.refresh_token)
    with pytest.raises(InvalidCredentials):
        await app.log_in(password="wrong horse battery")
    with pytest.raises(AccountDisabled):
        await app.log_in()
    kinds = [e.kind for e in app.events.events if e.user_id == ada_id(app)]
    assert kinds.count(EventKind.SESSION_ENDED) == 2 and EventKind.USER_DISABLED in kinds


async def test_a_disabled_users_refresh_is_refused_even_if_a_session_escaped_the_revocation(app):
    pair = await app.log_in()
    async with app.uow() as uow:  # the flag alone, as a login racing the disabling could leave it
        await uow.users.set_disabled(ada_id(app), app.clock.now())
        await uow.commit()

    with pytest.raises(InvalidRefreshToken):
        await app.refresh(pair.refresh_token)


async def test_enabling_lets_the_user_log_in_again_but_old_sessions_stay_ended(app):
    admin = await an_admin(app)
    old = await app.log_in()
    await app.run(DisableUser, ADA, admin)

    assert (await app.run(EnableUser, ADA, admin)).disabled_at is None

    assert app.store.tables.users[ada_id(app)].disabled_at is None
    app.verify((await app.log_in()).access_token)
    with pytest.raises(InvalidRefreshToken):
        await app.refresh(old.refresh_token)
    assert EventKind.USER_ENABLED in [e.kind for e in app.events.events]


async def test_an_admin_cannot_disable_themself(app):
    admin = await an_admin(app)

    with pytest.raises(CannotDisableSelf):
        await app.run(DisableUser, admin.admin_id, admin)
    assert app.store.tables.users[admin.admin_id].disabled_at is None


async def test_an_admin_whose_role_was_revoked_or_who_was_disabled_is_refused_at_once(app):
    admin, other = await an_admin(app), await an_admin(app, "other@example.com")
    await app.run(RevokeRole, admin.admin_id, "admin", OPERATOR)

    with pytest.raises(InsufficientRole):
        await app.run(DisableUser, ADA, admin)
    await app.run(DisableUser, admin.admin_id, other)
    await app.run(GrantRole, admin.admin_id, "admin", OPERATOR)
    with pytest.raises(InsufficientRole):
        await app.run(ListUsers, admin, 10, 0)
    with pytest.raises(InsufficientRole):
        await app.run(ListUsers, Actor(UUID(int=12345)), 10, 0)
    assert app.store.tables.users[ada_id(app)].disabled_at is None


async def test_a_granted_role_is_in_the_next_access_token_and_a_revoked_one_is_gone(app):
    pair = await app.log_in()

    await app.run(GrantRole, ADA, "support", OPERATOR)
    await app.run(GrantRole, ADA, "support", OPERATOR)
    assert app.store.tables.users[ada_id(app)].roles == ("support",)
    assert app.verify((pair := await app.refresh(pair.refresh_token)).access_token).roles == ("support",)
    await app.run(RevokeRole, ADA, "support", OPERATOR)
    assert app.verify((await app.refresh(pair.refresh_token)).access_token).roles == ()
    assert [e.detail for e in app.events.events if e.kind in (EventKind.ROLE_GRANTED, EventKind.ROLE_REVOKED)] == [
        "support by operator",
        "support by operator",
        "support by operator",
    ]


async def test_a_bad_role_or_an_unknown_user_changes_nothing(app):
    with pytest.raises(InvalidRole):
        await app.run(GrantRole, ADA, "Admin", OPERATOR)
    for use_case, args in [(GrantRole, ("admin",)), (RevokeRole, ("admin",)), (DisableUser, ()), (EnableUser, ())]:
        with pytest.raises(UnknownUser):
            await app.run(use_case, Email.parse("nobody@example.com"), *args, OPERATOR)
    with pytest.raises(InvalidRole):
        await app.register(Registration("eve@example.com", PASSWORD, roles=("admin", "BAD")))
    assert app.store.tables.users[ada_id(app)].roles == ()
    assert len(app.store.tables.users) == 1


async def test_ending_all_sessions_of_a_user_leaves_them_able_to_log_in(app):
    admin = await an_admin(app)
    first, second = await app.log_in(), await app.log_in()

    assert await app.run(EndUserSessions, ADA, admin) == 2

    assert {app.session_of(p).revocation_reason for p in (first, second)} == {RevocationReason.ENDED_BY_ADMIN}
    assert {e.detail for e in app.events.events if e.kind is EventKind.SESSION_ENDED} == {f"admin:{admin.admin_id}"}
    app.verify((await app.log_in()).access_token)


async def test_users_are_listed_a_page_at_a_time_oldest_first(app):
    admin = await an_admin(app)
    for n in range(3):
        app.clock.advance(timedelta(seconds=1))
        await app.register(Registration(f"user{n}@example.com", PASSWORD))

    first = await app.run(ListUsers, admin, 2, 0)
    rest = await app.run(ListUsers, admin, 100, 2)

    assert [u.email for u in first + rest][:2] == ["ada@example.com", "root@example.com"]
    assert [u.email for u in rest] == ["user0@example.com", "user1@example.com", "user2@example.com"]


async def test_the_session_list_is_read_in_pages_newest_first_the_current_one_marked_where_it_falls(app):
    """Third review, item 15: five devices, two a page; the last page says so."""
    logins = []
    for _ in range(5):
        logins.append(await app.log_in())
        app.clock.advance(timedelta(minutes=1))
    caller = app.verify(logins[0].access_token)

    pages = [await app.run(ListSessions, caller, 2, offset) for offset in (0, 2, 4)]

    assert [page.next_offset for page in pages] == [2, 4, None]
    listed = [s for page in pages for s in page.sessions]
    assert [s.id for s in listed] == [app.session_of(pair).id for pair in reversed(logins)]
    assert [s.current for s in listed] == [False, False, False, False, True]


async def test_a_page_exactly_full_at_the_end_is_the_last_and_a_limit_over_the_most_is_the_most(app):
    for _ in range(2):
        await app.log_in()
    caller = app.verify((await app.log_in()).access_token)

    exactly = await app.run(ListSessions, caller, 3, 0)
    beyond = await app.run(ListSessions, caller, 3, 3)
    capped = await app.run(ListSessions, caller, 10_000, 0)

    assert (len(exactly.sessions), exactly.next_offset) == (3, None)
    assert (beyond.sessions, beyond.next_offset) == ((), None)
    assert (len(capped.sessions), capped.next_offset) == (3, None)
