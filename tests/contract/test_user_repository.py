import pytest

from domain.errors import EmailAlreadyRegistered
from domain.users import Email
from tests.contract.conftest import UnitOfWorkFactory
from tests.support.builders import a_user

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
