from dataclasses import replace
from datetime import timedelta

import pytest

from domain.errors import EmailAlreadyRegistered
from domain.users import Email
from tests.contract.conftest import UnitOfWorkFactory
from tests.support.builders import T0, a_user

pytestmark = pytest.mark.anyio


async def test_a_stored_user_reads_back_equal_by_id_and_by_email(new_uow: UnitOfWorkFactory) -> None:
    user = a_user(roles=("admin", "auditor"))
    async with new_uow() as uow:
        await uow.users.add(user)
        await uow.commit()

    async with new_uow() as uow:
        assert await uow.users.get(user.id) == user
        assert await uow.users.get_by_email(Email.parse("ADA@example.com")) == user


async def test_an_unknown_user_reads_as_none(new_uow: UnitOfWorkFactory) -> None:
    async with new_uow() as uow:
        assert await uow.users.get(a_user().id) is None
        assert await uow.users.get_by_email(Email.parse("nobody@example.com")) is None


async def test_a_second_user_with_the_same_email_is_refused_and_the_first_is_kept(new_uow: UnitOfWorkFactory) -> None:
    first, second = a_user(), a_user()
    async with new_uow() as uow:
        await uow.users.add(first)
        await uow.commit()

    with pytest.raises(EmailAlreadyRegistered):
        async with new_uow() as uow:
            await uow.users.add(second)
            await uow.commit()

    async with new_uow() as uow:
        assert await uow.users.get_by_email(first.email) == first
        assert await uow.users.get(second.id) is None


async def test_a_user_added_without_commit_is_not_stored(new_uow: UnitOfWorkFactory) -> None:
    user = a_user()
    async with new_uow() as uow:
        await uow.users.add(user)

    async with new_uow() as uow:
        assert await uow.users.get(user.id) is None


async def test_roles_and_the_disabled_flag_are_stored_and_cleared(new_uow: UnitOfWorkFactory) -> None:
    user = a_user()
    async with new_uow() as uow:
        await uow.users.add(user)
        await uow.users.set_roles(user.id, ("admin", "support"))
        await uow.users.set_disabled(user.id, T0)
        await uow.commit()

    async with new_uow() as uow:
        assert await uow.users.get(user.id) == replace(user, roles=("admin", "support"), disabled_at=T0)
        await uow.users.set_roles(user.id, ())
        await uow.users.set_disabled(user.id, None)
        await uow.commit()

    async with new_uow() as uow:
        assert await uow.users.get(user.id) == user


async def test_changing_an_unknown_user_stores_nothing(new_uow: UnitOfWorkFactory) -> None:
    ghost = a_user()
    async with new_uow() as uow:
        await uow.users.set_roles(ghost.id, ("admin",))
        await uow.users.set_disabled(ghost.id, T0)
        await uow.commit()

    async with new_uow() as uow:
        assert await uow.users.get(ghost.id) is None
        assert await uow.users.page(10, 0) == []


async def test_users_are_paged_oldest_first_without_gaps_or_repeats(new_uow: UnitOfWorkFactory) -> None:
    users = [replace(a_user(f"user{n}@example.com"), created_at=T0 + timedelta(minutes=n % 3)) for n in range(7)]
    async with new_uow() as uow:
        for user in users:
            await uow.users.add(user)
        await uow.commit()

    async with new_uow() as uow:
        pages = [await uow.users.page(3, offset) for offset in (0, 3, 6, 9)]

    assert [len(page) for page in pages] == [3, 3, 1, 0]
    listed = [user for page in pages for user in page]
    assert sorted(u.id for u in listed) == sorted(u.id for u in users)
    assert [u.created_at for u in listed] == sorted(u.created_at for u in users)
