"""The two listings that are read a page at a time (third review, item 15): the revocation feed and a
person's devices. Each has a total, stable order, so pages neither skip nor repeat an entry, even among
many entries of one moment; every adapter orders UUIDs alike (by their bytes)."""

import uuid
from dataclasses import replace
from datetime import timedelta

import pytest

from domain.revocation_feed import feed_order
from domain.sessions import Revocation, RevocationReason, Session
from tests.support.builders import T0, a_refresh_token, a_session, a_user
from tests.support.storage_contract import UnitOfWorkFactory

pytestmark = pytest.mark.anyio
EVERYWHERE = T0 + timedelta(minutes=5)


async def _revoked_sessions(new_uow: UnitOfWorkFactory) -> list[Revocation]:
    """Seven revocations: five sessions of one user ended in one transaction, at one moment, between
    two ended alone."""
    ada, bob = a_user(), a_user("bob@example.com")
    adas = [a_session(ada) for _ in range(5)]
    before, after = a_session(bob), a_session(bob)
    async with new_uow() as uow:
        for user in (ada, bob):
            await uow.users.add(user)
        for session in (*adas, before, after):
            await uow.sessions.add(session)
        await uow.sessions.revoke(before.id, T0, RevocationReason.LOGOUT)
        await uow.sessions.revoke_all_of_user(ada.id, EVERYWHERE, RevocationReason.LOGOUT_EVERYWHERE)
        await uow.sessions.revoke(after.id, EVERYWHERE + timedelta(microseconds=1), RevocationReason.LOGOUT)
        await uow.commit()
    everyone = [Revocation(before.id, T0), *(Revocation(s.id, EVERYWHERE) for s in adas)]
    return sorted([*everyone, Revocation(after.id, EVERYWHERE + timedelta(microseconds=1))], key=feed_order)


async def test_revocations_are_listed_by_moment_then_by_session_id(new_uow: UnitOfWorkFactory) -> None:
    expected = await _revoked_sessions(new_uow)

    async with new_uow() as uow:
        found = await uow.sessions.revoked_since(T0)

    assert found == expected


async def test_revocations_read_in_pages_past_the_last_one_given_are_each_read_exactly_once(
    new_uow: UnitOfWorkFactory,
) -> None:
    expected = await _revoked_sessions(new_uow)
    pages: list[list[Revocation]] = []
    last = None
    for _ in range(10):  # bounded: 7 revocations in pages of 3
        async with new_uow() as uow:
            page = await uow.sessions.revoked_since(T0, after=last, limit=3)
        if not page:
            break
        pages.append(page)
        last = page[-1]

    assert [len(page) for page in pages] == [3, 3, 1]
    assert [r for page in pages for r in page] == expected


async def test_a_page_of_revocations_still_starts_at_the_moment_asked(new_uow: UnitOfWorkFactory) -> None:
    expected = await _revoked_sessions(new_uow)

    async with new_uow() as uow:
        found = await uow.sessions.revoked_since(EVERYWHERE, after=expected[2], limit=100)
        none_left = await uow.sessions.revoked_since(T0, after=expected[-1])

    assert found == expected[3:]
    assert none_left == []


async def _live_sessions(new_uow: UnitOfWorkFactory) -> tuple[uuid.UUID, list[Session]]:
    """Five live sessions of Ada, three opened at one moment; one ended session that is never listed."""
    ada = a_user()
    sessions = [
        *(a_session(ada, at=T0 + timedelta(minutes=1)) for _ in range(3)),
        a_session(ada),
        a_session(ada, at=T0 + timedelta(minutes=2)),
    ]
    ended = replace(a_session(ada, at=T0 + timedelta(minutes=1)), revoked_at=T0, revocation_reason=None)
    async with new_uow() as uow:
        await uow.users.add(ada)
        for session in (*sessions, ended):
            await uow.sessions.add(session)
            await uow.sessions.add_refresh_token(a_refresh_token(session))
        await uow.commit()
    return ada.id, sorted(sessions, key=lambda s: (s.created_at, s.id.bytes), reverse=True)


async def test_live_sessions_are_listed_newest_first_ties_by_descending_id(new_uow: UnitOfWorkFactory) -> None:
    user_id, expected = await _live_sessions(new_uow)

    async with new_uow() as uow:
        found = await uow.sessions.live_of_user(user_id, T0 + timedelta(hours=1))

    assert [s.id for s in found] == [s.id for s in expected]


async def test_live_sessions_read_in_pages_are_each_read_exactly_once(new_uow: UnitOfWorkFactory) -> None:
    user_id, expected = await _live_sessions(new_uow)
    now = T0 + timedelta(hours=1)

    async with new_uow() as uow:
        pages = [await uow.sessions.live_of_user(user_id, now, limit=2, offset=offset) for offset in (0, 2, 4, 6)]

    assert [len(page) for page in pages] == [2, 2, 1, 0]
    assert [s.id for page in pages for s in page] == [s.id for s in expected]
