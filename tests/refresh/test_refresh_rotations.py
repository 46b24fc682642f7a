"""`RefreshRotations`, the common refresh in one committed step: every implementation (the one built
from the repositories, PostgreSQL's one statement, SQLite's four) rotates exactly when the presented token
`rotates_at_once`: it spends the token, stores its successor, touches the session and commits; or it
stores nothing at all."""

import asyncio
import uuid
from dataclasses import replace
from datetime import timedelta

import pytest

from application.ports.refresh_rotations import RefreshRotations
from domain.custom_claims import CustomClaims
from domain.rotation import PlannedRotation
from domain.sessions import RefreshToken, RevocationReason, Session, hash_refresh_token
from domain.users import User
from tests.support.builders import T0, a_refresh_token, a_session, a_user
from tests.support.storage_contract import UnitOfWorkFactory

pytestmark = pytest.mark.anyio

SOON = T0 + timedelta(minutes=5)


async def _stored(new_uow: UnitOfWorkFactory) -> tuple[User, Session, RefreshToken]:
    user = a_user("ada@example.com", roles=("reader",))
    session = a_session(user)
    token = a_refresh_token(session, "the-presented-secret")
    async with new_uow() as uow:
        await uow.users.add(user)
        await uow.sessions.add(session)
        await uow.sessions.add_refresh_token(token)
        await uow.commit()
    return user, session, token


def _plan(token: RefreshToken, now: object = SOON) -> PlannedRotation:
    return PlannedRotation(
        presented_hash=token.token_hash,
        now=now,  # type: ignore[arg-type]
        successor_id=uuid.uuid4(),
        successor_hash=hash_refresh_token(uuid.uuid4().hex),
        successor_expires_at=SOON + timedelta(days=14),
        sealed_successor="5ea1ed",
    )


async def _state(new_uow: UnitOfWorkFactory, token: RefreshToken, plan: PlannedRotation) -> tuple[object, ...]:
    async with new_uow() as uow:
        return (
            await uow.sessions.get_refresh_token(token.id),
            await uow.sessions.get_refresh_token(plan.successor_id),
            await uow.sessions.get(token.session_id),
        )


async def test_a_live_token_is_spent_its_successor_stored_and_the_session_touched(
    new_uow: UnitOfWorkFactory, rotations: RefreshRotations
) -> None:
    user, session, token = await _stored(new_uow)
    async with new_uow() as uow:
        await uow.users.set_roles(user.id, ("reader", "editor"))
        await uow.commit()
    plan = _plan(token)

    rotated = await rotations.rotate(plan)

    assert rotated is not None
    assert rotated.session == session.touched(SOON)
    assert (rotated.user.id, rotated.user.roles) == (user.id, ("reader", "editor"))
    spent, successor, stored_session = await _state(new_uow, token, plan)
    assert spent == RefreshToken(
        token.id, session.id, token.token_hash, T0, token.expires_at, SOON, plan.successor_id, "5ea1ed"
    )
    assert successor == plan.successor_in(session)
    assert stored_session == session.touched(SOON)


async def test_the_rotated_user_comes_back_with_their_claims_as_stored_now(
    new_uow: UnitOfWorkFactory, rotations: RefreshRotations
) -> None:
    user, _, token = await _stored(new_uow)
    claims = CustomClaims.parse({"tenant": "acme", "permissions": ["invoices:read"]})
    async with new_uow() as uow:
        await uow.users.set_claims(user.id, claims)
        await uow.commit()

    rotated = await rotations.rotate(_plan(token))

    assert rotated is not None
    assert rotated.user == replace(user, claims=claims)


async def _refused(
    new_uow: UnitOfWorkFactory, rotations: RefreshRotations, token: RefreshToken, plan: PlannedRotation
) -> None:
    before = await _state(new_uow, token, plan)
    assert await rotations.rotate(plan) is None
    assert await _state(new_uow, token, plan) == before


async def test_a_spent_token_is_left_to_the_full_judgement_and_nothing_is_stored(
    new_uow: UnitOfWorkFactory, rotations: RefreshRotations
) -> None:
    _, _, token = await _stored(new_uow)
    assert await rotations.rotate(_plan(token)) is not None

    await _refused(new_uow, rotations, token, _plan(token, SOON + timedelta(seconds=1)))


async def test_an_expired_token_an_unknown_one_and_a_revoked_session_rotate_nothing(
    new_uow: UnitOfWorkFactory, rotations: RefreshRotations
) -> None:
    _, session, token = await _stored(new_uow)

    await _refused(new_uow, rotations, token, _plan(token, token.expires_at))
    await _refused(new_uow, rotations, token, replace(_plan(token), presented_hash=hash_refresh_token("nobody's")))
    async with new_uow() as uow:
        await uow.sessions.revoke(session.id, T0 + timedelta(minutes=1), RevocationReason.LOGOUT)
        await uow.commit()
    await _refused(new_uow, rotations, token, _plan(token))


async def test_a_disabled_users_token_rotates_nothing(new_uow: UnitOfWorkFactory, rotations: RefreshRotations) -> None:
    user, _, token = await _stored(new_uow)
    async with new_uow() as uow:
        await uow.users.set_disabled(user.id, T0 + timedelta(minutes=1))
        await uow.commit()

    await _refused(new_uow, rotations, token, _plan(token))


async def test_a_unit_of_work_after_a_rotation_still_stores_nothing_it_leaves_uncommitted(
    new_uow: UnitOfWorkFactory, rotations: RefreshRotations
) -> None:
    # A pooled store hands the rotation's connection (on PostgreSQL in autocommit) to the next unit of work.
    _, session, token = await _stored(new_uow)
    assert await rotations.rotate(_plan(token)) is not None

    async with new_uow() as uow:
        await uow.sessions.revoke(session.id, SOON, RevocationReason.LOGOUT)

    async with new_uow() as uow:
        stored = await uow.sessions.get(session.id)
    assert stored is not None and stored.revoked_at is None


async def test_concurrent_rotations_of_one_token_have_exactly_one_winner(
    new_uow: UnitOfWorkFactory, rotations: RefreshRotations
) -> None:
    _, session, token = await _stored(new_uow)
    plans = [_plan(token) for _ in range(5)]

    async def attempt(plan: PlannedRotation) -> bool:
        return await rotations.rotate(plan) is not None

    # A unit of work holding the session (its row lock, the store's write lock or lock) while the
    # attempts start, so that they meet at it and go on together once it lets go without committing.
    async with new_uow() as holder:
        assert await holder.sessions.touch(session.id, T0 + timedelta(minutes=1))
        attempts = [asyncio.ensure_future(attempt(plan)) for plan in plans]
        for _ in range(20):
            await asyncio.sleep(0)
    results = await asyncio.gather(*attempts)

    assert sorted(results) == [False, False, False, False, True]
    async with new_uow() as uow:
        stored = [await uow.sessions.get_refresh_token(plan.successor_id) for plan in plans]
        spent = await uow.sessions.get_refresh_token(token.id)
    winner = plans[results.index(True)]
    assert [s is not None for s in stored] == results
    assert spent is not None and spent.successor_id == winner.successor_id


async def _stored_session_ending_at(new_uow: UnitOfWorkFactory, lifetime: timedelta) -> tuple[Session, RefreshToken]:
    user = a_user("ada@example.com")
    session = replace(a_session(user, lifetime=lifetime), remember=False)
    token = a_refresh_token(session, "the-presented-secret")
    async with new_uow() as uow:
        await uow.users.add(user)
        await uow.sessions.add(session)
        await uow.sessions.add_refresh_token(token)
        await uow.commit()
    return session, token


async def test_a_live_token_of_a_session_past_its_absolute_lifetime_rotates_nothing(
    new_uow: UnitOfWorkFactory, rotations: RefreshRotations
) -> None:
    session, token = await _stored_session_ending_at(new_uow, timedelta(minutes=5))

    await _refused(new_uow, rotations, token, _plan(token, session.expires_at))
    await _refused(new_uow, rotations, token, _plan(token, session.expires_at + timedelta(days=1)))


async def test_the_successor_never_outlives_the_sessions_absolute_end(
    new_uow: UnitOfWorkFactory, rotations: RefreshRotations
) -> None:
    session, token = await _stored_session_ending_at(new_uow, timedelta(hours=12))
    plan = _plan(token)

    rotated = await rotations.rotate(plan)

    assert rotated is not None and rotated.session == session.touched(SOON)
    _, successor, _ = await _state(new_uow, token, plan)
    assert successor == plan.successor_in(session)
    assert isinstance(successor, RefreshToken) and successor.expires_at == T0 + timedelta(hours=12)
