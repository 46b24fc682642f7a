import asyncio
from datetime import timedelta

import pytest

from domain.keys import SigningKeyRecord
from tests.support.builders import T0
from tests.support.storage_contract import UnitOfWorkFactory

pytestmark = pytest.mark.anyio


async def test_signing_keys_are_stored_listed_oldest_first_and_withdrawn_once(new_uow: UnitOfWorkFactory) -> None:
    older = SigningKeyRecord("k1", "RS256", '{"kty":"RSA"}', "sealed-1", T0, T0)
    newer = SigningKeyRecord(
        "k2", "ES256", '{"kty":"EC"}', "sealed-2", T0 + timedelta(days=30), T0 + timedelta(days=30)
    )
    async with new_uow() as uow:
        await uow.signing_keys.add(newer)
        await uow.signing_keys.add(older)
        await uow.commit()

    async with new_uow() as uow:
        assert await uow.signing_keys.all() == [older, newer]
        assert await uow.signing_keys.withdraw("k1", T0 + timedelta(days=31)) is True
        assert await uow.signing_keys.withdraw("k1", T0 + timedelta(days=32)) is False
        assert await uow.signing_keys.withdraw("nope", T0) is False
        await uow.commit()

    async with new_uow() as uow:
        first, _ = await uow.signing_keys.all()
    assert first.withdrawn_at == T0 + timedelta(days=31)


async def test_of_concurrent_first_keys_on_an_empty_key_set_exactly_one_is_stored(new_uow: UnitOfWorkFactory) -> None:
    async def first_key(n: int) -> bool:
        record = SigningKeyRecord(f"first-{n}", "RS256", '{"kty":"RSA"}', f"sealed-{n}", T0, T0)
        async with new_uow() as uow:
            added = await uow.signing_keys.add_first(record)
            await uow.commit()
        return added

    added = await asyncio.gather(*(first_key(n) for n in range(6)))

    assert added.count(True) == 1
    async with new_uow() as uow:
        stored = await uow.signing_keys.all()
    assert [record.kid for record in stored] == [f"first-{added.index(True)}"]


async def test_a_first_key_is_not_added_beside_any_stored_key_even_a_withdrawn_one(new_uow: UnitOfWorkFactory) -> None:
    async with new_uow() as uow:
        await uow.signing_keys.add(SigningKeyRecord("old", "RS256", "{}", "sealed", T0, T0))
        await uow.signing_keys.withdraw("old", T0)
        await uow.commit()
    async with new_uow() as uow:
        assert await uow.signing_keys.add_first(SigningKeyRecord("new", "RS256", "{}", "sealed", T0, T0)) is False
        await uow.commit()
    async with new_uow() as uow:
        assert [record.kid for record in await uow.signing_keys.all()] == ["old"]
