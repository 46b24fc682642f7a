"""The per-process profile cache: bounded, least recently used forgotten first, and never left
holding a profile older than a change it has heard of."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest

from adapters.process.lru_profile_cache import LruProfileCache
from application.actors import OPERATOR
from application.ports.profile_cache import ProfileCache
from application.ports.profile_reader import ProfileReader
from application.results import Profile
from application.use_cases.disable_user import DisableUser
from application.use_cases.enable_user import EnableUser
from application.use_cases.get_profile import GetProfile
from application.use_cases.grant_role import GrantRole
from application.use_cases.register_user import Registration
from application.use_cases.revoke_role import RevokeRole
from application.use_cases.sync_replica import SyncReplica
from domain.users import Email
from tests.support.in_memory_tessera import PASSWORD

pytestmark = pytest.mark.anyio

ADA = Email.parse("ada@example.com")
CREATED = datetime(2026, 1, 1, tzinfo=UTC)


def a_profile(n: int, roles: tuple[str, ...] = ()) -> Profile:
    return Profile(UUID(int=n), f"user{n}@example.com", None, roles, CREATED)


def test_the_cache_holds_at_most_its_bound_forgetting_the_least_recently_put_first() -> None:
    cache = LruProfileCache(max_profiles=2)
    for n in (1, 2, 3):
        cache.put(a_profile(n), cache.generation)

    assert len(cache) == 2
    assert cache.get(UUID(int=1)) is None
    assert (cache.get(UUID(int=2)), cache.get(UUID(int=3))) == (a_profile(2), a_profile(3))


def test_reading_a_profile_makes_it_the_most_recently_used() -> None:
    cache = LruProfileCache(max_profiles=2)
    cache.put(a_profile(1), cache.generation)
    cache.put(a_profile(2), cache.generation)

    assert cache.get(UUID(int=1)) == a_profile(1)
    cache.put(a_profile(3), cache.generation)

    assert cache.get(UUID(int=2)) is None, "2 was the least recently used"
    assert (cache.get(UUID(int=1)), cache.get(UUID(int=3))) == (a_profile(1), a_profile(3))


def test_putting_a_profile_again_replaces_it_and_keeps_one_entry() -> None:
    cache = LruProfileCache(max_profiles=2)
    cache.put(a_profile(1), cache.generation)
    cache.put(a_profile(1, roles=("support",)), cache.generation)

    assert len(cache) == 1
    assert cache.get(UUID(int=1)) == a_profile(1, roles=("support",))


def test_an_evicted_profile_is_forgotten_and_the_others_kept() -> None:
    cache = LruProfileCache()
    cache.put(a_profile(1), cache.generation)
    cache.put(a_profile(2), cache.generation)

    cache.evict([UUID(int=1), UUID(int=99)])

    assert cache.get(UUID(int=1)) is None
    assert cache.get(UUID(int=2)) == a_profile(2)
    assert len(cache) == 1


def test_a_profile_read_before_an_eviction_is_not_kept_after_it() -> None:
    """The race: a request reads the generation, then the user from storage; meanwhile a change to
    the user commits and its eviction arrives; the request's profile is now stale and must not stay."""
    cache = LruProfileCache()
    read_at = cache.generation
    stale = a_profile(1)

    cache.evict([UUID(int=1)])
    cache.put(stale, read_at)

    assert cache.get(UUID(int=1)) is None
    assert len(cache) == 0
    cache.put(a_profile(1, roles=("support",)), cache.generation)
    assert cache.get(UUID(int=1)) == a_profile(1, roles=("support",)), "a profile read after the eviction is kept"


def test_an_eviction_of_another_user_keeps_a_put_read_before_it() -> None:
    """A poll or a change elsewhere must not cost the profiles being read meanwhile: a first pass
    over many users would otherwise never fill the cache while anyone changes."""
    cache = LruProfileCache()
    read_at = cache.generation

    cache.evict([UUID(int=2)])
    cache.put(a_profile(1), read_at)

    assert cache.get(UUID(int=1)) == a_profile(1)
    assert len(cache) == 1


def test_an_eviction_that_names_no_user_keeps_every_put_read_before_it() -> None:
    cache = LruProfileCache()
    read_at = cache.generation

    cache.evict([])
    cache.put(a_profile(1), read_at)

    assert cache.get(UUID(int=1)) == a_profile(1)


def test_a_user_evicted_again_refuses_a_put_read_between_the_two_evictions() -> None:
    cache = LruProfileCache()
    cache.evict([UUID(int=1)])
    read_at = cache.generation
    cache.evict([UUID(int=3), UUID(int=1)])

    cache.put(a_profile(1), read_at)

    assert cache.get(UUID(int=1)) is None


def test_evictions_no_longer_remembered_one_by_one_refuse_every_put_read_before_them() -> None:
    """Past its bound the cache forgets who was evicted, never that someone was: a put read before a
    forgotten eviction is refused whoever it is for, and one read after it is kept."""
    cache = LruProfileCache(evictions_remembered=2)
    read_at = cache.generation
    cache.evict([UUID(int=1)])
    cache.evict([UUID(int=2), UUID(int=3)])  # user 1's eviction is no longer told apart

    cache.put(a_profile(1), read_at)
    cache.put(a_profile(4), read_at)

    assert (cache.get(UUID(int=1)), cache.get(UUID(int=4))) == (None, None)
    cache.put(a_profile(1), cache.generation)
    assert cache.get(UUID(int=1)) == a_profile(1)


@pytest.mark.parametrize("bound", [0, -1])
def test_a_cache_of_no_profiles_is_refused(bound: int) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        LruProfileCache(max_profiles=bound)
    with pytest.raises(ValueError, match="at least 1"):
        LruProfileCache(evictions_remembered=bound)


async def _sneak_in_a_new_display_name(app, name: str) -> None:  # type: ignore[no-untyped-def]
    """Changes storage behind the service's back, announcing nothing: only a cache miss would show it."""
    async with app.uow() as uow:
        user = await uow.users.get_by_email(ADA)
    app.store.tables.users[user.id] = replace(user, display_name=name)


async def test_a_profile_is_served_from_the_cache_once_read(app) -> None:
    principal = app.verify((await app.log_in()).access_token)
    cache = await app.container.get(ProfileCache)

    first = await app.run(GetProfile, principal)
    await _sneak_in_a_new_display_name(app, "Ada Lovelace")
    second = await app.run(GetProfile, principal)

    assert first == second
    assert (first.email, first.display_name) == ("ada@example.com", "Ada")
    assert cache.get(principal.user_id) == first


@pytest.mark.parametrize(
    ("use_case", "args"),
    [(GrantRole, ("billing.read",)), (RevokeRole, ("support",)), (DisableUser, ()), (EnableUser, ())],
    ids=["grant_role", "revoke_role", "disable_user", "enable_user"],
)
async def test_a_change_to_the_user_forgets_their_cached_profile_so_the_next_read_shows_it(
    app, use_case: type, args: tuple[str, ...]
) -> None:
    principal = app.verify((await app.log_in()).access_token)
    await app.run(GrantRole, ADA, "support", OPERATOR)  # so that revoking it changes something
    cache = await app.container.get(ProfileCache)
    before = await app.run(GetProfile, principal)
    await _sneak_in_a_new_display_name(app, "Ada Lovelace")
    assert cache.get(principal.user_id) == before

    summary = await app.run(use_case, ADA, *args, OPERATOR)

    assert cache.get(principal.user_id) is None
    after = await app.run(GetProfile, principal)
    assert after.display_name == "Ada Lovelace", "read from storage again"
    assert after.roles == summary.roles == app.store.tables.users[principal.user_id].roles
    assert cache.get(principal.user_id) == after


async def test_a_role_granted_shows_in_the_very_next_profile_read(app) -> None:
    principal = app.verify((await app.log_in()).access_token)
    assert (await app.run(GetProfile, principal)).roles == ()

    await app.run(GrantRole, ADA, "support", OPERATOR)
    assert (await app.run(GetProfile, principal)).roles == ("support",)
    await app.run(RevokeRole, ADA, "support", OPERATOR)
    assert (await app.run(GetProfile, principal)).roles == ()


async def test_a_change_to_another_user_keeps_this_users_cached_profile(app) -> None:
    principal = app.verify((await app.log_in()).access_token)
    await app.register(Registration("grace@example.com", PASSWORD, "Grace"))
    cache = await app.container.get(ProfileCache)
    cached = await app.run(GetProfile, principal)

    await app.run(GrantRole, Email.parse("grace@example.com"), "support", OPERATOR)

    assert cache.get(principal.user_id) == cached


async def test_a_poll_that_finds_other_users_changes_keeps_a_profile_read_while_it_ran(app) -> None:
    """Every poll of the lookback finds a recent change again: it must cost only that user's profile,
    not every profile being read meanwhile (the first pass over many users would never fill the cache)."""
    principal = app.verify((await app.log_in()).access_token)
    grace = await app.register(Registration("grace@example.com", PASSWORD, "Grace"))
    await app.run(GrantRole, Email.parse("grace@example.com"), "support", OPERATOR)
    cache = await app.container.get(ProfileCache)
    cache.put(replace(grace, roles=()), cache.generation)
    in_flight = cache.generation
    read = await (await app.container.get(ProfileReader)).read(principal.user_id)
    assert read is not None

    await app.run(SyncReplica)
    cache.put(read, in_flight)

    assert cache.get(principal.user_id) == read, "Ada's profile, read while the poll evicted Grace, is kept"
    assert cache.get(grace.id) is None, "the poll evicted the user it found changed"
    cache.put(replace(grace, roles=()), in_flight)
    assert cache.get(grace.id) is None, "and refuses her profile read before it"


async def test_a_change_the_poll_applied_once_is_not_applied_again_by_the_polls_that_find_it_again(app) -> None:
    """Each poll reads back over its lookback (30 s), so it finds a change about 30 times: only the first
    may forget the user's profile, or that user's every request is a database read for half a minute."""
    principal = app.verify((await app.log_in()).access_token)
    cache = await app.container.get(ProfileCache)
    await app.run(GrantRole, ADA, "support", OPERATOR)
    await app.run(SyncReplica)
    read_again = await app.run(GetProfile, principal)

    await app.run(SyncReplica)

    assert cache.get(principal.user_id) == read_again


async def test_a_later_change_of_the_same_user_is_applied_by_the_poll(app) -> None:
    principal = app.verify((await app.log_in()).access_token)
    cache = await app.container.get(ProfileCache)
    await app.run(GrantRole, ADA, "support", OPERATOR)
    await app.run(SyncReplica)
    app.clock.advance(timedelta(seconds=1))
    await app.run(RevokeRole, ADA, "support", OPERATOR)
    stale = replace(await app.run(GetProfile, principal), roles=("support",))
    cache.put(stale, cache.generation)  # as another process's cache would still hold it

    await app.run(SyncReplica)

    assert cache.get(principal.user_id) is None, "the new stamp is applied"
