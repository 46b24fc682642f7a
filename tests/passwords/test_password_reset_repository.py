"""Password-reset tokens: stored by hash, redeemed at most once, only before they expire."""

import asyncio
from datetime import timedelta

import pytest

from domain.password_resets import PasswordResetToken, hash_reset_token, issue_reset_token
from domain.users import Email, User
from tests.support.builders import T0, a_user
from tests.support.storage_contract import UnitOfWorkFactory

pytestmark = pytest.mark.anyio


async def _stored(
    new_uow: UnitOfWorkFactory,
    secret: str = "the-secret",  # noqa: S107  (a test token)
    user: User | None = None,
) -> PasswordResetToken:
    owner = user or a_user()
    token = issue_reset_token(owner.id, secret, T0)
    async with new_uow() as uow:
        if user is None:
            await uow.users.add(owner)
        await uow.password_resets.add(token)
        await uow.commit()
    return token


async def test_a_token_is_stored_by_its_hash_alone(new_uow: UnitOfWorkFactory) -> None:
    token = await _stored(new_uow)

    async with new_uow() as uow:
        assert await uow.password_resets.find(hash_reset_token("the-secret")) == token
        assert await uow.password_resets.find(hash_reset_token("another")) is None
    assert token.token_hash != "the-secret" and token.expires_at == T0 + timedelta(minutes=30)


async def test_a_token_is_redeemed_once_and_records_when(new_uow: UnitOfWorkFactory) -> None:
    token = await _stored(new_uow)
    moment = T0 + timedelta(minutes=5)

    async with new_uow() as uow:
        assert await uow.password_resets.redeem(token.token_hash, moment)
        assert not await uow.password_resets.redeem(token.token_hash, moment)
        await uow.commit()

    async with new_uow() as uow:
        stored = await uow.password_resets.find(token.token_hash)
        assert not await uow.password_resets.redeem(token.token_hash, moment + timedelta(seconds=1))
    assert stored is not None and stored.used_at == moment


async def test_an_expired_or_unknown_token_is_not_redeemed(new_uow: UnitOfWorkFactory) -> None:
    token = await _stored(new_uow)

    async with new_uow() as uow:
        assert not await uow.password_resets.redeem(token.token_hash, token.expires_at)
        assert not await uow.password_resets.redeem(hash_reset_token("unknown"), T0)
        await uow.commit()
    async with new_uow() as uow:
        assert await uow.password_resets.find(token.token_hash) == token


async def test_a_redemption_left_without_commit_never_happened(new_uow: UnitOfWorkFactory) -> None:
    token = await _stored(new_uow)

    async with new_uow() as uow:
        assert await uow.password_resets.redeem(token.token_hash, T0)

    async with new_uow() as uow:
        assert await uow.password_resets.find(token.token_hash) == token


async def test_concurrent_redemptions_of_one_token_have_exactly_one_winner(new_uow: UnitOfWorkFactory) -> None:
    token = await _stored(new_uow)

    async def attempt() -> bool:
        async with new_uow() as uow:
            won = await uow.password_resets.redeem(token.token_hash, T0 + timedelta(minutes=1))
            await asyncio.sleep(0.05)  # hold the transaction open so that the attempts overlap
            await uow.commit()
            return won

    assert sorted(await asyncio.gather(*(attempt() for _ in range(4)))) == [False, False, False, True]


async def test_voiding_a_users_tokens_leaves_other_users_alone(new_uow: UnitOfWorkFactory) -> None:
    ada, bob = a_user(), a_user("bob@example.com")
    async with new_uow() as uow:
        await uow.users.add(ada)
        await uow.users.add(bob)
        await uow.commit()
    first, second = await _stored(new_uow, "one", ada), await _stored(new_uow, "two", ada)
    bobs = await _stored(new_uow, "three", bob)

    async with new_uow() as uow:
        assert await uow.password_resets.void_all_of_user(ada.id, T0 + timedelta(minutes=1)) == 2
        await uow.commit()

    async with new_uow() as uow:
        for token in (first, second):
            stored = await uow.password_resets.find(token.token_hash)
            assert stored is not None and stored.used_at == T0 + timedelta(minutes=1)
        assert await uow.password_resets.find(bobs.token_hash) == bobs


async def test_purging_deletes_only_expired_tokens(new_uow: UnitOfWorkFactory) -> None:
    token = await _stored(new_uow)

    async with new_uow() as uow:
        assert await uow.password_resets.purge(token.expires_at - timedelta(seconds=1), 100) == 0
        assert await uow.password_resets.purge(token.expires_at + timedelta(seconds=1), 100) == 1
        await uow.commit()
    async with new_uow() as uow:
        assert await uow.password_resets.find(token.token_hash) is None


async def test_a_token_is_stored_for_the_enabled_user_an_email_names_and_for_nobody_else(
    new_uow: UnitOfWorkFactory,
) -> None:
    ada, bob = a_user(), a_user("bob@example.com")
    expires = T0 + timedelta(minutes=30)
    async with new_uow() as uow:
        await uow.users.add(ada)
        await uow.users.add(bob)
        await uow.users.set_disabled(bob.id, T0)
        await uow.commit()

    async with new_uow() as uow:
        assert await uow.password_resets.add_for_email(ada.email, "a" * 64, T0, expires) == ada.id
        assert await uow.password_resets.add_for_email(bob.email, "b" * 64, T0, expires) is None
        assert await uow.password_resets.add_for_email(Email.parse("nobody@example.com"), "c" * 64, T0, expires) is None
        await uow.commit()
    async with new_uow() as uow:
        assert await uow.password_resets.add_for_email(ada.email, "d" * 64, T0, expires) == ada.id
        # left without commit: never stored

    async with new_uow() as uow:
        assert await uow.password_resets.find("a" * 64) == PasswordResetToken("a" * 64, ada.id, T0, expires)
        for missing in ("b", "c", "d"):
            assert await uow.password_resets.find(missing * 64) is None
