"""`UnitOfWork.after_commit`: what a use case announces happens once its transaction has committed, never otherwise."""

import pytest

from tests.contract.conftest import UnitOfWorkFactory
from tests.support.builders import a_user

pytestmark = pytest.mark.anyio


class Abandoned(Exception):
    """Raised to leave a unit of work part-way, the way a failing use case would."""


async def test_callbacks_run_once_each_in_order_when_the_unit_of_work_commits(new_uow: UnitOfWorkFactory) -> None:
    ran: list[str] = []
    user = a_user()
    async with new_uow() as uow:
        await uow.users.add(user)
        uow.after_commit(lambda: ran.append("first"))
        uow.after_commit(lambda: ran.append("second"))
        assert ran == [], "nothing runs before the commit"
        await uow.commit()
        assert ran == ["first", "second"]

        uow.after_commit(lambda: ran.append("third"))
        await uow.commit()

    assert ran == ["first", "second", "third"], "a second commit runs only what was added since the first"
    async with new_uow() as uow:
        assert await uow.users.get(user.id) == user


async def test_callbacks_never_run_when_the_unit_of_work_ends_without_commit(new_uow: UnitOfWorkFactory) -> None:
    ran: list[str] = []
    user = a_user()
    async with new_uow() as uow:
        await uow.users.add(user)
        uow.after_commit(lambda: ran.append("announced"))

    assert ran == []
    async with new_uow() as uow:
        assert await uow.users.get(user.id) is None


async def test_callbacks_never_run_when_the_unit_of_work_raises(new_uow: UnitOfWorkFactory) -> None:
    ran: list[str] = []
    user = a_user()
    with pytest.raises(Abandoned):
        async with new_uow() as uow:
            await uow.users.add(user)
            uow.after_commit(lambda: ran.append("announced"))
            raise Abandoned

    assert ran == []
    async with new_uow() as uow:
        assert await uow.users.get(user.id) is None


async def test_a_callback_dropped_by_a_rollback_does_not_run_at_a_later_commit_of_the_same_unit_of_work(
    new_uow: UnitOfWorkFactory,
) -> None:
    ran: list[str] = []
    uow = new_uow()
    async with uow:
        uow.after_commit(lambda: ran.append("rolled back"))
    user = a_user()
    async with uow:
        await uow.users.add(user)
        uow.after_commit(lambda: ran.append("committed"))
        await uow.commit()

    assert ran == ["committed"]
    async with new_uow() as other:
        assert await other.users.get(user.id) == user


async def test_a_unit_of_work_entered_again_does_not_carry_the_announcements_of_its_last_block(
    new_uow: UnitOfWorkFactory,
) -> None:
    heard: list[str] = []
    uow = new_uow()
    async with uow:
        uow.after_commit(lambda: heard.append("rolled back"))
    async with uow:
        await uow.commit()

    assert heard == []


async def test_a_block_without_transaction_stores_its_write_and_announces_it_at_commit(
    new_uow: UnitOfWorkFactory,
) -> None:
    ran: list[str] = []
    user = a_user()
    async with new_uow().without_transaction() as uow:
        await uow.users.add(user)
        uow.after_commit(lambda: ran.append("announced"))
        await uow.commit()
        assert ran == ["announced"]
    async with new_uow() as uow:
        assert await uow.users.get(user.id) == user


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
