import asyncio
import uuid
from dataclasses import replace
from datetime import timedelta

import pytest

from domain.sessions import RevocationReason
from tests.support.builders import T0, a_refresh_token, a_session, a_user
from tests.support.storage_contract import UnitOfWorkFactory

pytestmark = pytest.mark.anyio


async def _stored_session(new_uow: UnitOfWorkFactory, email: str = "ada@example.com"):  # type: ignore[no-untyped-def]
    user = a_user(email)
    session = a_session(user)
    token = a_refresh_token(session)
    async with new_uow() as uow:
        await uow.users.add(user)
        await uow.sessions.add(session)
        await uow.sessions.add_refresh_token(token)
        await uow.commit()
    return user, session, token


async def test_a_session_and_its_refresh_token_read_back_equal(new_uow: UnitOfWorkFactory) -> None:
    _, session, token = await _stored_session(new_uow)

    async with new_uow() as uow:
        assert await uow.sessions.get(session.id) == session
        assert await uow.sessions.find_refresh_token(token.token_hash) == token
        assert await uow.sessions.find_refresh_token("0" * 64) is None


async def test_a_refresh_token_is_spent_exactly_once(new_uow: UnitOfWorkFactory) -> None:
    _, _, token = await _stored_session(new_uow)
    spent_at = T0 + timedelta(minutes=5)

    successor, other = uuid.uuid4(), uuid.uuid4()

    async with new_uow() as uow:
        assert await uow.sessions.spend_refresh_token(token.id, spent_at, successor, "5ea1ed") is True
        assert await uow.sessions.spend_refresh_token(token.id, spent_at + timedelta(seconds=1), other, "0") is False
        await uow.commit()

    async with new_uow() as uow:
        stored = await uow.sessions.find_refresh_token(token.token_hash)
        assert await uow.sessions.get_refresh_token(token.id) == stored
    assert stored is not None
    assert (stored.rotated_at, stored.successor_id, stored.sealed_successor) == (spent_at, successor, "5ea1ed")


async def test_concurrent_spends_of_one_refresh_token_have_exactly_one_winner(new_uow: UnitOfWorkFactory) -> None:
    _, _, token = await _stored_session(new_uow)

    async def attempt() -> bool:
        async with new_uow() as uow:
            won = await uow.sessions.spend_refresh_token(token.id, T0 + timedelta(minutes=1), uuid.uuid4(), "00")
            await asyncio.sleep(0.05)  # hold the transaction open so that the attempts overlap
            await uow.commit()
            return won

    results = await asyncio.gather(*(attempt() for _ in range(5)))

    assert sorted(results) == [False, False, False, False, True]


async def test_a_spend_that_is_rolled_back_never_happened(new_uow: UnitOfWorkFactory) -> None:
    _, _, token = await _stored_session(new_uow)

    with pytest.raises(RuntimeError):
        async with new_uow() as uow:
            assert await uow.sessions.spend_refresh_token(token.id, T0, uuid.uuid4(), "00")
            raise RuntimeError("the request failed after the spend")

    async with new_uow() as uow:
        stored = await uow.sessions.find_refresh_token(token.token_hash)
    assert stored is not None and stored.rotated_at is None


async def test_revoking_a_session_stores_when_and_why_and_the_first_revocation_stands(
    new_uow: UnitOfWorkFactory,
) -> None:
    _, session, _ = await _stored_session(new_uow)
    first, later = T0 + timedelta(minutes=1), T0 + timedelta(minutes=2)

    async with new_uow() as uow:
        assert await uow.sessions.revoke(session.id, first, RevocationReason.REFRESH_TOKEN_REUSED) is True
        await uow.commit()
    async with new_uow() as uow:
        assert await uow.sessions.revoke(session.id, later, RevocationReason.LOGOUT) is False
        await uow.commit()

    async with new_uow() as uow:
        stored = await uow.sessions.get(session.id)
    assert stored is not None
    assert stored.revoked_at == first
    assert stored.revocation_reason is RevocationReason.REFRESH_TOKEN_REUSED


async def test_a_revocation_decided_in_a_unit_of_work_that_rolls_back_never_happened(
    new_uow: UnitOfWorkFactory,
) -> None:
    _, session, _ = await _stored_session(new_uow)

    async with new_uow() as uow:
        assert await uow.sessions.revoke(session.id, T0, RevocationReason.LOGOUT)
        # left without commit

    async with new_uow() as uow:
        stored = await uow.sessions.get(session.id)
        assert stored is not None and stored.revoked_at is None
        assert await uow.sessions.revoked_since(T0 - timedelta(days=1)) == []


async def test_revoking_all_sessions_of_a_user_leaves_other_users_alone(new_uow: UnitOfWorkFactory) -> None:
    ada, ada_phone, _ = await _stored_session(new_uow, "ada@example.com")
    _, grace_laptop, _ = await _stored_session(new_uow, "grace@example.com")
    ada_laptop = a_session(ada)
    async with new_uow() as uow:
        await uow.sessions.add(ada_laptop)
        await uow.commit()

    async with new_uow() as uow:
        revoked = await uow.sessions.revoke_all_of_user(ada.id, T0, RevocationReason.LOGOUT_EVERYWHERE)
        await uow.commit()

    assert sorted(revoked) == sorted([ada_phone.id, ada_laptop.id])
    async with new_uow() as uow:
        for session_id in (ada_phone.id, ada_laptop.id):
            stored = await uow.sessions.get(session_id)
            assert stored is not None and stored.revocation_reason is RevocationReason.LOGOUT_EVERYWHERE
        grace = await uow.sessions.get(grace_laptop.id)
        assert grace is not None and not grace.is_revoked
        assert await uow.sessions.revoke_all_of_user(ada.id, T0, RevocationReason.LOGOUT_EVERYWHERE) == []


async def test_revoking_all_sessions_of_a_user_but_one_keeps_that_one_live(new_uow: UnitOfWorkFactory) -> None:
    ada, phone, _ = await _stored_session(new_uow, "ada@example.com")
    laptop = a_session(ada)
    async with new_uow() as uow:
        await uow.sessions.add(laptop)
        await uow.commit()

    async with new_uow() as uow:
        revoked = await uow.sessions.revoke_all_of_user(ada.id, T0, RevocationReason.PASSWORD_CHANGED, keep=laptop.id)
        await uow.commit()

    assert revoked == [phone.id]
    async with new_uow() as uow:
        ended, kept = await uow.sessions.get(phone.id), await uow.sessions.get(laptop.id)
    assert ended is not None and ended.revocation_reason is RevocationReason.PASSWORD_CHANGED
    assert kept is not None and not kept.is_revoked


async def test_revocations_since_a_moment_are_listed_oldest_first(new_uow: UnitOfWorkFactory) -> None:
    _, old, _ = await _stored_session(new_uow, "old@example.com")
    _, newer, _ = await _stored_session(new_uow, "newer@example.com")
    _, newest, _ = await _stored_session(new_uow, "newest@example.com")
    async with new_uow() as uow:
        await uow.sessions.revoke(newest.id, T0 + timedelta(minutes=30), RevocationReason.LOGOUT)
        await uow.sessions.revoke(old.id, T0, RevocationReason.LOGOUT)
        await uow.sessions.revoke(newer.id, T0 + timedelta(minutes=20), RevocationReason.LOGOUT)
        await uow.commit()

    async with new_uow() as uow:
        found = await uow.sessions.revoked_since(T0 + timedelta(minutes=10))

    assert [(r.session_id, r.revoked_at) for r in found] == [
        (newer.id, T0 + timedelta(minutes=20)),
        (newest.id, T0 + timedelta(minutes=30)),
    ]


async def test_a_user_wide_revocation_lists_each_session_it_ended_at_its_moment(new_uow: UnitOfWorkFactory) -> None:
    """What the revocation feed (GET /oauth/revocations) relies on: logging out everywhere and disabling a
    user need no entry of their own, each session they end is listed; one already revoked keeps its moment."""
    ada, phone, _ = await _stored_session(new_uow, "ada@example.com")
    laptop, earlier = a_session(ada), a_session(ada)
    async with new_uow() as uow:
        await uow.sessions.add(laptop)
        await uow.sessions.add(earlier)
        await uow.sessions.revoke(earlier.id, T0, RevocationReason.LOGOUT)
        await uow.commit()
    everywhere = T0 + timedelta(minutes=5)
    async with new_uow() as uow:
        await uow.sessions.revoke_all_of_user(ada.id, everywhere, RevocationReason.LOGOUT_EVERYWHERE)
        await uow.commit()

    async with new_uow() as uow:
        found = await uow.sessions.revoked_since(T0)

    assert found[0].session_id == earlier.id and found[0].revoked_at == T0
    assert sorted((r.session_id, r.revoked_at) for r in found[1:]) == sorted(
        [(phone.id, everywhere), (laptop.id, everywhere)]
    )


async def test_touching_a_session_records_its_last_use(new_uow: UnitOfWorkFactory) -> None:
    _, session, _ = await _stored_session(new_uow)
    later = T0 + timedelta(hours=3)

    async with new_uow() as uow:
        assert await uow.sessions.touch(session.id, later) is True
        await uow.commit()

    async with new_uow() as uow:
        stored = await uow.sessions.get(session.id)
    assert stored is not None and stored.last_used_at == later


async def test_a_revoked_session_cannot_be_touched(new_uow: UnitOfWorkFactory) -> None:
    _, session, _ = await _stored_session(new_uow)
    async with new_uow() as uow:
        await uow.sessions.revoke(session.id, T0, RevocationReason.LOGOUT)
        await uow.commit()

    async with new_uow() as uow:
        assert await uow.sessions.touch(session.id, T0 + timedelta(hours=1)) is False
        await uow.commit()

    async with new_uow() as uow:
        stored = await uow.sessions.get(session.id)
    assert stored is not None and stored.last_used_at == T0


async def test_purging_deletes_expired_refresh_tokens_and_sessions_left_without_any(new_uow: UnitOfWorkFactory) -> None:
    _, stale, stale_token = await _stored_session(new_uow, "stale@example.com")
    _, live, _ = await _stored_session(new_uow, "live@example.com")
    fresh_token = a_refresh_token(live, at=T0 + timedelta(days=10))
    async with new_uow() as uow:
        await uow.sessions.add_refresh_token(fresh_token)
        await uow.commit()
    after_expiry = stale_token.expires_at + timedelta(seconds=1)

    async with new_uow() as uow:
        deleted = await uow.sessions.purge(after_expiry, timedelta(minutes=16), batch_size=100)
        await uow.commit()

    assert deleted == 3  # the two expired tokens, then the session left with none
    async with new_uow() as uow:
        assert await uow.sessions.get(stale.id) is None
        assert await uow.sessions.find_refresh_token(stale_token.token_hash) is None
        assert await uow.sessions.get(live.id) == live
        assert await uow.sessions.find_refresh_token(fresh_token.token_hash) == fresh_token


async def test_seals_are_cleared_once_their_grace_window_closed_and_only_then(new_uow: UnitOfWorkFactory) -> None:
    _, _, old = await _stored_session(new_uow, "old@example.com")
    _, _, recent = await _stored_session(new_uow, "recent@example.com")
    async with new_uow() as uow:
        await uow.sessions.spend_refresh_token(old.id, T0 + timedelta(minutes=1), uuid.uuid4(), "5ea1")
        await uow.sessions.spend_refresh_token(recent.id, T0 + timedelta(minutes=2), uuid.uuid4(), "5ea2")
        await uow.commit()

    async with new_uow() as uow:
        cleared = await uow.sessions.clear_seals(T0 + timedelta(minutes=1, seconds=30), batch_size=100)
        await uow.commit()

    assert cleared == 1
    async with new_uow() as uow:
        stored_old = await uow.sessions.get_refresh_token(old.id)
        stored_recent = await uow.sessions.get_refresh_token(recent.id)
    assert stored_old is not None and stored_old.sealed_successor is None and stored_old.successor_id is not None
    assert stored_recent is not None and stored_recent.sealed_successor == "5ea2"


async def test_purging_keeps_a_recent_revocation_readable(new_uow: UnitOfWorkFactory) -> None:
    _, session, token = await _stored_session(new_uow)
    revoked_at = token.expires_at - timedelta(minutes=1)
    async with new_uow() as uow:
        await uow.sessions.revoke(session.id, revoked_at, RevocationReason.LOGOUT)
        await uow.commit()

    async with new_uow() as uow:
        await uow.sessions.purge(token.expires_at + timedelta(seconds=1), timedelta(minutes=16), batch_size=100)
        await uow.commit()
    async with new_uow() as uow:
        assert await uow.sessions.get(session.id) is not None
        assert [r.session_id for r in await uow.sessions.revoked_since(revoked_at)] == [session.id]

    async with new_uow() as uow:
        await uow.sessions.purge(revoked_at + timedelta(minutes=17), timedelta(minutes=16), batch_size=100)
        await uow.commit()
    async with new_uow() as uow:
        assert await uow.sessions.get(session.id) is None


async def test_purging_deletes_no_more_than_one_batch(new_uow: UnitOfWorkFactory) -> None:
    _, session, _ = await _stored_session(new_uow)
    async with new_uow() as uow:
        for _ in range(4):
            await uow.sessions.add_refresh_token(a_refresh_token(session))
        await uow.commit()
    later = T0 + timedelta(days=15)

    async with new_uow() as uow:
        assert await uow.sessions.purge(later, timedelta(minutes=16), batch_size=2) == 2
        await uow.commit()


async def test_the_client_addresses_of_a_user_are_those_of_every_stored_session_of_theirs_live_or_ended(
    new_uow: UnitOfWorkFactory,
) -> None:
    """What the login throttle asks to let a known place past the account-wide limit."""
    ada, grace = a_user("ada@example.com"), a_user("grace@example.com")
    home = replace(a_session(ada), client_address="2001:db8:1:2::7")
    revoked = replace(a_session(ada), client_address="198.51.100.1")
    unknown_place = a_session(ada)
    twice = replace(a_session(ada), client_address="198.51.100.1")
    others = replace(a_session(grace), client_address="203.0.113.9")
    async with new_uow() as uow:
        await uow.users.add(ada)
        await uow.users.add(grace)
        for session in (home, revoked, unknown_place, twice, others):
            await uow.sessions.add(session)
        await uow.sessions.revoke(revoked.id, T0, RevocationReason.LOGOUT)
        await uow.commit()

    async with new_uow() as uow:
        assert await uow.sessions.client_addresses_of_user(ada.id) == {"2001:db8:1:2::7", "198.51.100.1"}
        assert await uow.sessions.client_addresses_of_user(grace.id) == {"203.0.113.9"}
        assert await uow.sessions.client_addresses_of_user(uuid.UUID(int=0)) == set()
