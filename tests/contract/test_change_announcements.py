"""What the propagation of changes needs from storage: users stamped as changed, listed from a
moment on (every replica's catch-up), and announcements that run only once a commit has happened."""

from datetime import timedelta

import pytest

from tests.contract.conftest import UnitOfWorkFactory
from tests.support.builders import T0, a_user

pytestmark = pytest.mark.anyio


async def test_users_stamped_as_changed_are_listed_from_the_moment_of_their_latest_stamp(
    new_uow: UnitOfWorkFactory,
) -> None:
    ada, bob, cy = a_user(), a_user("bob@example.com"), a_user("cy@example.com")
    async with new_uow() as uow:
        for user in (ada, bob, cy):
            await uow.users.add(user)
        await uow.users.mark_changed(ada.id, T0)
        await uow.users.mark_changed(bob.id, T0 + timedelta(minutes=2))
        await uow.commit()

    async with new_uow() as uow:
        assert sorted(await uow.users.changed_since(T0)) == sorted([ada.id, bob.id])
        assert await uow.users.changed_since(T0 + timedelta(minutes=2)) == [bob.id]
        await uow.users.mark_changed(ada.id, T0 + timedelta(minutes=5))
        await uow.commit()

    async with new_uow() as uow:
        assert await uow.users.changed_since(T0 + timedelta(minutes=3)) == [ada.id]
        assert await uow.users.changed_since(T0 + timedelta(minutes=6)) == []


async def test_a_stamp_left_without_commit_or_of_an_unknown_user_is_not_stored(new_uow: UnitOfWorkFactory) -> None:
    ada, ghost = a_user(), a_user("ghost@example.com")
    async with new_uow() as uow:
        await uow.users.add(ada)
        await uow.users.mark_changed(ghost.id, T0)
        await uow.commit()
    async with new_uow() as uow:
        await uow.users.mark_changed(ada.id, T0)

    async with new_uow() as uow:
        assert await uow.users.changed_since(T0) == []


async def test_an_announcement_runs_once_when_the_unit_of_work_commits_and_not_before(
    new_uow: UnitOfWorkFactory,
) -> None:
    heard: list[str] = []
    async with new_uow() as uow:
        await uow.users.add(a_user())
        uow.after_commit(lambda: heard.append("first"))
        uow.after_commit(lambda: heard.append("second"))
        assert heard == []
        await uow.commit()
        assert heard == ["first", "second"]
        await uow.commit()

    assert heard == ["first", "second"]


async def test_an_announcement_of_a_unit_of_work_left_without_commit_never_runs(new_uow: UnitOfWorkFactory) -> None:
    heard: list[str] = []
    async with new_uow() as uow:
        uow.after_commit(lambda: heard.append("left"))
    with pytest.raises(RuntimeError):
        async with new_uow() as uow:
            uow.after_commit(lambda: heard.append("failed"))
            raise RuntimeError
    async with new_uow() as uow:
        uow.after_commit(lambda: heard.append("committed"))
        await uow.commit()
        uow.after_commit(lambda: heard.append("after the commit, then left"))

    assert heard == ["committed"]


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
