"""Which sessions a person sees as their devices: the live ones, newest first, with what was first seen."""

from dataclasses import replace
from datetime import timedelta

import pytest

from domain.sessions import RevocationReason
from tests.support.builders import T0, a_refresh_token, a_session, a_user
from tests.support.storage_contract import UnitOfWorkFactory

pytestmark = pytest.mark.anyio


async def test_a_session_keeps_the_user_agent_and_address_it_was_opened_from(new_uow: UnitOfWorkFactory) -> None:
    user = a_user()
    session = replace(a_session(user), user_agent="Mozilla/5.0 (X11) " + "x" * 494, client_address="2001:db8::1")
    async with new_uow() as uow:
        await uow.users.add(user)
        await uow.sessions.add(session)
        await uow.commit()

    async with new_uow() as uow:
        assert await uow.sessions.get(session.id) == session


async def test_only_live_sessions_of_the_user_are_listed_newest_first(new_uow: UnitOfWorkFactory) -> None:
    ada, bob = a_user(), a_user("bob@example.com")
    older, newer, revoked, expired, spent = (a_session(ada, at=T0 + timedelta(minutes=n)) for n in range(5))
    bobs = a_session(bob)
    async with new_uow() as uow:
        for user in (ada, bob):
            await uow.users.add(user)
        for session in (older, newer, revoked, expired, spent, bobs):
            await uow.sessions.add(session)
        for session in (older, newer, revoked, bobs):
            await uow.sessions.add_refresh_token(a_refresh_token(session))
        await uow.sessions.add_refresh_token(replace(a_refresh_token(expired), expires_at=T0 + timedelta(hours=1)))
        used = a_refresh_token(spent)
        await uow.sessions.add_refresh_token(used)
        await uow.sessions.spend_refresh_token(used.id, T0, used.id, "00")
        await uow.sessions.revoke(revoked.id, T0, RevocationReason.ENDED_BY_USER)
        await uow.commit()

    async with new_uow() as uow:
        live = await uow.sessions.live_of_user(ada.id, T0 + timedelta(hours=2))

    assert [session.id for session in live] == [newer.id, older.id]


async def test_a_user_without_sessions_has_no_live_ones(new_uow: UnitOfWorkFactory) -> None:
    async with new_uow() as uow:
        assert await uow.sessions.live_of_user(a_user().id, T0) == []


async def test_a_session_past_its_absolute_lifetime_is_not_live_though_its_token_is(new_uow: UnitOfWorkFactory) -> None:
    ada = a_user()
    short = replace(a_session(ada, lifetime=timedelta(hours=12)), remember=False)
    async with new_uow() as uow:
        await uow.users.add(ada)
        await uow.sessions.add(short)
        await uow.sessions.add_refresh_token(a_refresh_token(short))
        await uow.commit()

    async with new_uow() as uow:
        before = await uow.sessions.live_of_user(ada.id, T0 + timedelta(hours=12) - timedelta(seconds=1))
        after = await uow.sessions.live_of_user(ada.id, T0 + timedelta(hours=12))
        stored = await uow.sessions.get(short.id)

    assert [session.id for session in before] == [short.id]
    assert after == []
    assert stored is not None and (stored.expires_at, stored.remember) == (T0 + timedelta(hours=12), False)
