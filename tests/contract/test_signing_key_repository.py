from datetime import timedelta

import pytest

from domain.keys import SigningKeyRecord
from tests.contract.conftest import UnitOfWorkFactory
from tests.support.builders import T0

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
