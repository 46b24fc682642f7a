from dataclasses import replace
from datetime import timedelta

import pytest

from domain.custom_claims import CustomClaims
from domain.errors import EmailAlreadyRegistered, UserAlreadyExists
from domain.users import Email, Username
from tests.support.builders import T0, a_user
from tests.support.storage_contract import UnitOfWorkFactory

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


async def test_a_user_marked_changed_is_found_changed_with_the_stamp_at_or_after_that_moment_and_not_after_it(
    new_uow: UnitOfWorkFactory,
) -> None:
    changed, untouched = a_user(), a_user("grace@example.com")
    async with new_uow() as uow:
        await uow.users.add(changed)
        await uow.users.add(untouched)
        await uow.users.mark_changed(changed.id, T0)
        await uow.commit()

    async with new_uow() as uow:
        assert await uow.users.changed_since(T0 - timedelta(seconds=1)) == {changed.id: T0}
        assert await uow.users.changed_since(T0) == {changed.id: T0}, "at the moment itself counts"
        assert await uow.users.changed_since(T0 + timedelta(microseconds=1)) == {}


async def test_marking_a_user_changed_again_moves_the_stamp_forward(new_uow: UnitOfWorkFactory) -> None:
    user = a_user()
    later = T0 + timedelta(minutes=5, microseconds=250)
    async with new_uow() as uow:
        await uow.users.add(user)
        await uow.users.mark_changed(user.id, T0)
        await uow.commit()
    async with new_uow() as uow:
        await uow.users.mark_changed(user.id, later)
        await uow.commit()

    async with new_uow() as uow:
        assert await uow.users.changed_since(T0 + timedelta(seconds=1)) == {user.id: later}
        assert await uow.users.changed_since(later) == {user.id: later}, "with its latest stamp"
        assert await uow.users.changed_since(later + timedelta(microseconds=1)) == {}
        assert await uow.users.get(user.id) == user, "the stamp changes nothing else about the user"


async def test_a_user_never_marked_or_marked_without_commit_is_not_found_changed(new_uow: UnitOfWorkFactory) -> None:
    user = a_user()
    async with new_uow() as uow:
        await uow.users.add(user)
        await uow.commit()
    async with new_uow() as uow:
        assert await uow.users.changed_since(T0 - timedelta(days=365)) == {}
        await uow.users.mark_changed(user.id, T0)

    async with new_uow() as uow:
        assert await uow.users.changed_since(T0 - timedelta(days=365)) == {}


async def test_marking_an_unknown_user_changed_stores_nothing(new_uow: UnitOfWorkFactory) -> None:
    ghost = a_user()
    async with new_uow() as uow:
        await uow.users.mark_changed(ghost.id, T0)
        await uow.commit()

    async with new_uow() as uow:
        assert await uow.users.changed_since(T0 - timedelta(days=365)) == {}
        assert await uow.users.get(ghost.id) is None
        assert await uow.users.page(10, 0) == []


async def test_claims_are_stored_byte_for_byte_and_replaced(new_uow: UnitOfWorkFactory) -> None:
    user = replace(a_user(), claims=CustomClaims.parse({"tenant": "acme", "perms": ["a", "ü"], "n": 1.5}))
    async with new_uow() as uow:
        await uow.users.add(user)
        await uow.commit()
    async with new_uow() as uow:
        assert await uow.users.get(user.id) == user
        await uow.users.set_claims(user.id, CustomClaims.parse({"tenant": "globex"}))
        await uow.commit()

    async with new_uow() as uow:
        stored = await uow.users.get(user.id)
    assert stored is not None
    assert stored.claims.encoded == '{"tenant":"globex"}'
    assert dict(stored.claims.as_dict()) == {"tenant": "globex"}


async def test_a_batch_of_users_is_stored_with_the_ids_given(new_uow: UnitOfWorkFactory) -> None:
    users = [replace(a_user(f"user{n}@example.com"), created_at=T0 + timedelta(seconds=n)) for n in range(250)]
    users[7] = replace(users[7], claims=CustomClaims.parse({"tenant": "acme"}), disabled_at=T0, password_hash="")
    users[8] = replace(users[8], legacy_id="8", imported_hash_digest="0f" * 32)
    async with new_uow() as uow:
        await uow.users.add_many(users)
        await uow.commit()

    async with new_uow() as uow:
        assert await uow.users.page(300, 0) == users


async def test_a_batch_with_a_taken_email_or_id_stores_nothing(new_uow: UnitOfWorkFactory) -> None:
    first = a_user("first@example.com")
    async with new_uow() as uow:
        await uow.users.add(first)
        await uow.commit()

    for clash in (a_user("first@example.com"), replace(a_user("other@example.com"), id=first.id)):
        with pytest.raises(UserAlreadyExists):
            async with new_uow() as uow:
                await uow.users.add_many([a_user("new@example.com"), clash])
                await uow.commit()

    async with new_uow() as uow:
        assert await uow.users.page(10, 0) == [first]


async def test_find_many_finds_users_by_id_or_by_email(new_uow: UnitOfWorkFactory) -> None:
    ada, bob, eve = a_user("ada@example.com"), a_user("bob@example.com"), a_user("eve@example.com")
    async with new_uow() as uow:
        await uow.users.add_many([ada, bob, eve])
        await uow.commit()

    async with new_uow() as uow:
        found = await uow.users.find_many({ada.id, a_user().id}, {Email.parse("bob@example.com")})
        assert sorted(found, key=lambda user: user.email.value) == [ada, bob]
        assert await uow.users.find_many(set(), set()) == []


async def test_replace_many_overwrites_every_field_and_mark_many_changed_stamps(new_uow: UnitOfWorkFactory) -> None:
    ada, bob = a_user("ada@example.com"), a_user("bob@example.com")
    async with new_uow() as uow:
        await uow.users.add_many([ada, bob])
        await uow.commit()
    new_ada = replace(
        ada,
        email=Email.parse("ada.lovelace@example.com"),
        display_name=None,
        password_hash="$2b$04$" + "a" * 53,
        roles=("admin",),
        created_at=T0 - timedelta(days=1),
        disabled_at=T0,
        claims=CustomClaims.parse({"tenant": "acme"}),
        legacy_id="ada",
        imported_hash_digest="ab" * 32,
        password_changed_at=T0 - timedelta(hours=1),
    )
    async with new_uow() as uow:
        await uow.users.replace_many([new_ada])
        await uow.users.mark_many_changed([new_ada.id], T0 + timedelta(hours=1))
        await uow.commit()

    async with new_uow() as uow:
        assert await uow.users.get(ada.id) == new_ada
        assert await uow.users.get(bob.id) == bob
        assert await uow.users.changed_since(T0 + timedelta(hours=1)) == {ada.id: T0 + timedelta(hours=1)}


async def test_an_empty_batch_stores_nothing_and_is_no_error(new_uow: UnitOfWorkFactory) -> None:
    async with new_uow() as uow:
        await uow.users.add_many([])
        await uow.users.replace_many([])
        await uow.users.mark_many_changed([], T0)
        await uow.commit()

    async with new_uow() as uow:
        assert await uow.users.page(10, 0) == []


async def test_a_user_is_found_by_the_legacy_id_it_was_stored_with_compared_exactly(new_uow: UnitOfWorkFactory) -> None:
    ada = replace(a_user("ada@example.com"), legacy_id="42")
    long = replace(a_user("bob@example.com"), legacy_id="ü" + "x" * 254)
    async with new_uow() as uow:
        await uow.users.add(ada)
        await uow.users.add_many([long, a_user("eve@example.com")])
        await uow.commit()

    async with new_uow() as uow:
        assert await uow.users.get_by_legacy_id("42") == ada
        assert await uow.users.get(ada.id) == ada, "read back by id too, with its legacy id"
        assert await uow.users.get_by_legacy_id(long.legacy_id or "") == long
        assert await uow.users.get_by_legacy_id(" 42") is None
        assert await uow.users.get_by_legacy_id("4") is None
        assert await uow.users.get_by_legacy_id("") is None, "users without a legacy id are not found by one"


async def test_a_legacy_id_no_user_can_have_finds_no_user_and_breaks_nothing(new_uow: UnitOfWorkFactory) -> None:
    """A legacy session may name any string: one holding NUL (which PostgreSQL cannot store in text)
    or longer than any legacy id is nobody's, not a database error."""
    async with new_uow() as uow:
        await uow.users.add(replace(a_user("ada@example.com"), legacy_id="42"))
        await uow.commit()
    async with new_uow() as uow:
        assert await uow.users.get_by_legacy_id("42\x00") is None
        assert await uow.users.get_by_legacy_id("4" * 320) is None
        assert (await uow.users.get_by_legacy_id("42")) is not None


async def test_a_taken_legacy_id_is_refused_alone_or_in_a_batch_and_many_users_have_none(
    new_uow: UnitOfWorkFactory,
) -> None:
    ada = replace(a_user("ada@example.com"), legacy_id="42")
    async with new_uow() as uow:
        await uow.users.add(ada)
        await uow.users.add_many([a_user("bob@example.com"), a_user("eve@example.com")])
        await uow.commit()

    with pytest.raises(UserAlreadyExists):
        async with new_uow() as uow:
            await uow.users.add(replace(a_user("grace@example.com"), legacy_id="42"))
            await uow.commit()
    for batch in (
        [replace(a_user("grace@example.com"), legacy_id="42")],
        [replace(a_user("grace@example.com"), legacy_id="7"), replace(a_user("joan@example.com"), legacy_id="7")],
    ):
        with pytest.raises(UserAlreadyExists):
            async with new_uow() as uow:
                await uow.users.add_many(batch)
                await uow.commit()

    async with new_uow() as uow:
        assert {user.email.value for user in await uow.users.page(10, 0)} == {
            "ada@example.com",
            "bob@example.com",
            "eve@example.com",
        }
        assert await uow.users.get_by_legacy_id("7") is None


async def test_find_many_finds_users_by_legacy_id_and_replace_many_sets_it(new_uow: UnitOfWorkFactory) -> None:
    ada, bob = replace(a_user("ada@example.com"), legacy_id="ada-1"), a_user("bob@example.com")
    async with new_uow() as uow:
        await uow.users.add_many([ada, bob])
        await uow.commit()

    async with new_uow() as uow:
        assert await uow.users.find_many(set(), set(), {"ada-1", "nobody"}) == [ada]
        await uow.users.replace_many([replace(bob, legacy_id="bob-2"), replace(ada, legacy_id=None)])
        await uow.commit()

    async with new_uow() as uow:
        assert await uow.users.get_by_legacy_id("bob-2") == replace(bob, legacy_id="bob-2")
        assert await uow.users.get_by_legacy_id("ada-1") is None
        assert await uow.users.get(ada.id) == replace(ada, legacy_id=None)


async def test_a_user_is_found_by_username_in_any_case_and_a_taken_username_is_refused(
    new_uow: UnitOfWorkFactory,
) -> None:
    ada = replace(a_user("ada@example.com"), username=Username.parse("Ada.L"))
    async with new_uow() as uow:
        await uow.users.add(ada)
        await uow.users.add_many([a_user("bob@example.com"), a_user("eve@example.com")])  # many without one
        await uow.commit()

    async with new_uow() as uow:
        assert await uow.users.get_by_username(Username.parse("ADA.l")) == ada
        assert await uow.users.get(ada.id) == ada
        assert await uow.users.get_by_username(Username.parse("ada")) is None
        assert await uow.users.find_many(set(), set(), (), {Username.parse("ada.l")}) == [ada]
    with pytest.raises(UserAlreadyExists):
        async with new_uow() as uow:
            await uow.users.add(replace(a_user("grace@example.com"), username=Username.parse("ada.L")))
            await uow.commit()
    with pytest.raises(UserAlreadyExists):
        async with new_uow() as uow:
            await uow.users.add_many([replace(a_user("joan@example.com"), username=Username.parse("ADA.L"))])
            await uow.commit()

    async with new_uow() as uow:
        assert len(await uow.users.page(10, 0)) == 3


async def test_replacing_a_user_with_another_users_email_legacy_id_or_username_stores_nothing(
    new_uow: UnitOfWorkFactory,
) -> None:
    ada = replace(a_user("ada@example.com"), legacy_id="1", username=Username.parse("ada"))
    bob = replace(a_user("bob@example.com"), legacy_id="2", username=Username.parse("bob"))
    async with new_uow() as uow:
        await uow.users.add_many([ada, bob])
        await uow.commit()

    for clash in (
        replace(bob, email=ada.email),
        replace(bob, legacy_id="1"),
        replace(bob, username=Username.parse("ADA")),
    ):
        with pytest.raises(UserAlreadyExists):
            async with new_uow() as uow:
                await uow.users.replace_many([replace(ada, display_name="Ada L."), clash])
                await uow.commit()

    async with new_uow() as uow:
        assert await uow.users.get(ada.id) == ada
        assert await uow.users.get(bob.id) == bob


async def test_a_new_password_is_stored_with_its_moment_and_a_rehash_leaves_the_moment_as_it_was(
    new_uow: UnitOfWorkFactory,
) -> None:
    ada, bob = a_user("ada@example.com"), a_user("bob@example.com")
    async with new_uow() as uow:
        await uow.users.add_many([ada, bob])
        await uow.commit()
    async with new_uow() as uow:
        await uow.users.replace_password(ada.id, "$argon2id$new", T0 + timedelta(minutes=5))
        await uow.commit()
    async with new_uow() as uow:
        await uow.users.update_password_hash(ada.id, "$argon2id$rehashed")
        await uow.users.update_password_hash(bob.id, "$argon2id$rehashed")
        await uow.commit()
    async with new_uow() as uow:
        assert await uow.users.get(ada.id) == replace(
            ada, password_hash="$argon2id$rehashed", password_changed_at=T0 + timedelta(minutes=5)
        )
        assert await uow.users.get(bob.id) == replace(bob, password_hash="$argon2id$rehashed")


async def test_a_new_password_not_committed_is_not_stored(new_uow: UnitOfWorkFactory) -> None:
    ada = a_user()
    async with new_uow() as uow:
        await uow.users.add(ada)
        await uow.commit()
    async with new_uow() as uow:
        await uow.users.replace_password(ada.id, "$argon2id$new", T0)
    async with new_uow() as uow:
        assert await uow.users.get(ada.id) == ada
