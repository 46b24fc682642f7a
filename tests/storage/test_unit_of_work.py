"""`UnitOfWork.record`: what a use case tells (revocations, changed users, security events) is dispatched
once its transaction has committed, once and in order; never otherwise, but for what outlives a rollback."""

import pytest

from domain.changes import Changes, RevocationFound
from domain.events import EventKind, SecurityEvent
from domain.sessions import Revocation
from tests.support.builders import T0, a_user
from tests.support.heard import Heard
from tests.support.storage_contract import UnitOfWorkFactory

pytestmark = pytest.mark.anyio

LOGGED_OUT = SecurityEvent(EventKind.LOGGED_OUT, detail="first")
SESSION_ENDED = SecurityEvent(EventKind.SESSION_ENDED, detail="second")
PASSWORD_RESET = SecurityEvent(EventKind.PASSWORD_RESET, detail="third")
LOGIN_FAILED = SecurityEvent(EventKind.LOGIN_FAILED, client_address="192.0.2.1")
REFRESH_REFUSED = SecurityEvent(EventKind.REFRESH_REFUSED, detail="revoked")


class Abandoned(Exception):
    """Raised to leave a unit of work part-way, the way a failing use case would."""


def revoked(heard: Heard, revocation: Revocation) -> bool:
    return heard.revocations.is_revoked(revocation.session_id, T0)


async def test_events_of_a_committed_block_are_dispatched_at_commit_once_each_in_order(
    new_uow: UnitOfWorkFactory, heard: Heard
) -> None:
    user = a_user()
    revocation = Revocation(a_user().id, T0)
    async with new_uow() as uow:
        await uow.users.add(user)
        uow.record(LOGGED_OUT)
        uow.record(Changes(revocations=(revocation,)))
        uow.record(SESSION_ENDED)
        assert heard.audit.events == [] and not revoked(heard, revocation), "nothing before the commit"
        await uow.commit()
        assert heard.audit.events == [LOGGED_OUT, SESSION_ENDED]
        assert revoked(heard, revocation)

        uow.record(PASSWORD_RESET)
        await uow.commit()

    assert heard.audit.events == [LOGGED_OUT, SESSION_ENDED, PASSWORD_RESET], "a second commit: only what came since"
    assert heard.metrics.counts == {EventKind.LOGGED_OUT: 1, EventKind.SESSION_ENDED: 1, EventKind.PASSWORD_RESET: 1}
    async with new_uow() as uow:
        assert await uow.users.get(user.id) == user


async def test_events_of_a_block_that_ends_without_commit_are_dropped(new_uow: UnitOfWorkFactory, heard: Heard) -> None:
    user = a_user()
    revocation = Revocation(a_user().id, T0)
    async with new_uow() as uow:
        await uow.users.add(user)
        uow.record(Changes(revocations=(revocation,), users=(user.id,)))
        uow.record(LOGGED_OUT)

    assert heard.audit.events == []
    assert not revoked(heard, revocation)
    async with new_uow() as uow:
        assert await uow.users.get(user.id) is None


async def test_events_of_a_block_that_raises_are_dropped(new_uow: UnitOfWorkFactory, heard: Heard) -> None:
    user = a_user()
    revocation = Revocation(a_user().id, T0)
    with pytest.raises(Abandoned):
        async with new_uow() as uow:
            await uow.users.add(user)
            uow.record(Changes(revocations=(revocation,)))
            uow.record(LOGGED_OUT)
            raise Abandoned

    assert heard.audit.events == []
    assert not revoked(heard, revocation)
    async with new_uow() as uow:
        assert await uow.users.get(user.id) is None


async def test_a_refusal_and_a_revocation_found_outlive_the_rollback_and_are_dispatched_as_the_block_ends(
    new_uow: UnitOfWorkFactory, heard: Heard
) -> None:
    """A refused login or refresh writes nothing and must be audited all the same; a session found revoked
    by another process is refused here from then on. What the block would have stored is dropped."""
    found, made = Revocation(a_user().id, T0), Revocation(a_user().id, T0)
    with pytest.raises(Abandoned):
        async with new_uow() as uow:
            uow.record(RevocationFound(found))
            uow.record(LOGIN_FAILED)
            uow.record(Changes(revocations=(made,)))
            uow.record(LOGGED_OUT)
            uow.record(REFRESH_REFUSED)
            assert heard.audit.events == [] and not revoked(heard, found), "nothing before the block ends"
            raise Abandoned

    assert heard.audit.events == [LOGIN_FAILED, REFRESH_REFUSED]
    assert heard.metrics.counts == {EventKind.LOGIN_FAILED: 1, EventKind.REFRESH_REFUSED: 1}
    assert revoked(heard, found)
    assert not revoked(heard, made)


async def test_a_refusal_in_a_block_that_commits_is_dispatched_once_at_the_commit(
    new_uow: UnitOfWorkFactory, heard: Heard
) -> None:
    async with new_uow() as uow:
        uow.record(LOGGED_OUT)
        uow.record(LOGIN_FAILED)
        await uow.commit()

    assert heard.audit.events == [LOGGED_OUT, LOGIN_FAILED]


async def test_an_event_dropped_by_a_rollback_is_not_dispatched_at_a_later_commit_of_the_same_unit_of_work(
    new_uow: UnitOfWorkFactory, heard: Heard
) -> None:
    uow = new_uow()
    async with uow:
        uow.record(LOGGED_OUT)
    user = a_user()
    async with uow:
        await uow.users.add(user)
        uow.record(SESSION_ENDED)
        await uow.commit()

    assert heard.audit.events == [SESSION_ENDED]
    async with new_uow() as other:
        assert await other.users.get(user.id) == user


async def test_a_unit_of_work_entered_again_does_not_carry_the_events_of_its_last_block(
    new_uow: UnitOfWorkFactory, heard: Heard
) -> None:
    uow = new_uow()
    async with uow:
        uow.record(LOGGED_OUT)
    async with uow:
        await uow.commit()

    assert heard.audit.events == []


async def test_a_block_without_transaction_stores_its_write_at_once_and_dispatches_its_events_at_commit(
    new_uow: UnitOfWorkFactory, heard: Heard
) -> None:
    user = a_user()
    async with new_uow().without_transaction() as uow:
        await uow.users.add(user)
        uow.record(LOGGED_OUT)
        assert heard.audit.events == [], "stored at once maybe, but not dispatched before the commit"
        await uow.commit()
        assert heard.audit.events == [LOGGED_OUT]
    async with new_uow() as uow:
        assert await uow.users.get(user.id) == user


async def test_a_block_without_transaction_that_ends_without_commit_dispatches_only_what_outlives_a_rollback(
    new_uow: UnitOfWorkFactory, heard: Heard
) -> None:
    async with new_uow().without_transaction() as uow:
        uow.record(LOGGED_OUT)
        uow.record(LOGIN_FAILED)

    assert heard.audit.events == [LOGIN_FAILED]


async def test_an_event_recorded_outside_any_block_is_settled_and_dispatched_at_once(
    new_uow: UnitOfWorkFactory, heard: Heard
) -> None:
    uow = new_uow()
    async with uow:
        await uow.commit()
    uow.record(LOGGED_OUT)

    assert heard.audit.events == [LOGGED_OUT]


async def test_the_block_after_one_without_transaction_is_a_transaction_again(new_uow: UnitOfWorkFactory) -> None:
    """The declaration holds for one block: the next block of the same unit of work (a request's) rolls back."""
    first, second = a_user("ada@example.com"), a_user("grace@example.com")
    uow = new_uow()
    async with uow.without_transaction():
        await uow.users.add(first)
        await uow.commit()
    async with uow:
        await uow.users.add(second)
    async with new_uow() as reader:
        assert await reader.users.get(first.id) == first
        assert await reader.users.get(second.id) is None
