"""The profile reader over every storage adapter: one user's committed profile, read outside any unit
of work, and equal to what the unit of work stores."""

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from pathlib import Path

import anyio
import pytest

from adapters.memory.in_memory_profile_reader import InMemoryProfileReader
from adapters.memory.in_memory_store import InMemoryStore
from adapters.memory.in_memory_unit_of_work import InMemoryUnitOfWork
from adapters.sql.database import create_engine, create_sqlite_reader_engine, session_factory
from adapters.sql.sql_profile_reader import SqlProfileReader
from adapters.sql.sql_unit_of_work import SqlUnitOfWork
from application.errors import StorageUnavailable
from application.ports.profile_reader import ProfileReader
from application.results import Profile
from domain.custom_claims import CustomClaims
from domain.users import User
from tests.support.builders import a_user
from tests.support.storage_contract import OWN_ADAPTERS, UnitOfWorkFactory

pytestmark = pytest.mark.anyio


@dataclass(frozen=True)
class Storage:
    new_uow: UnitOfWorkFactory
    reader: ProfileReader


@pytest.fixture(params=OWN_ADAPTERS)
async def storage(request: pytest.FixtureRequest) -> AsyncIterator[Storage]:
    if request.param == "memory":
        store = InMemoryStore()
        yield Storage(lambda: InMemoryUnitOfWork(store), InMemoryProfileReader(store))
        return
    url = request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "clean_postgres_url")
    engine = create_engine(url)
    sessions = session_factory(engine)
    # As the composition root builds it: on SQLite, a read-only connection of its own.
    readers = create_sqlite_reader_engine(url) if request.param == "sqlite" else engine
    yield Storage(lambda: SqlUnitOfWork(sessions), SqlProfileReader(readers))
    await readers.dispose()
    await engine.dispose()


async def _stored(storage: Storage, user: User) -> User:
    async with storage.new_uow() as uow:
        await uow.users.add(user)
        await uow.commit()
    return user


def _profile_of(user: User) -> Profile:
    return Profile(user.id, str(user.email), user.display_name, user.roles, user.created_at, user.claims)


async def test_a_stored_users_profile_reads_back_with_every_field_and_stored_claim(storage: Storage) -> None:
    claims = CustomClaims.parse({"tenant": "acme", "level": 3, "tags": ["a", "b"], "admin": False})
    user = await _stored(storage, replace(a_user(roles=("admin", "auditor")), claims=claims))
    await _stored(storage, a_user("grace@example.com"))

    profile = await storage.reader.read(user.id)

    assert profile == _profile_of(user)
    assert profile is not None
    assert profile.created_at.utcoffset() is not None, "an aware moment, as the unit of work reads it"
    assert profile.claims.encoded == claims.encoded, "the claims byte for byte"


async def test_a_user_without_display_name_roles_or_claims_reads_back_as_stored(storage: Storage) -> None:
    user = await _stored(storage, replace(a_user(), display_name=None))

    assert await storage.reader.read(user.id) == _profile_of(user)


async def test_an_unknown_user_reads_as_none(storage: Storage) -> None:
    await _stored(storage, a_user())

    assert await storage.reader.read(a_user().id) is None


async def test_many_concurrent_reads_each_answer_their_own_users_profile(storage: Storage) -> None:
    """Concurrent misses may share a statement (the SQL reader coalesces them): each still gets its own."""
    users = [
        await _stored(storage, replace(a_user(f"user{n}@example.com"), display_name=f"User {n}")) for n in range(30)
    ]
    unknown = a_user().id
    wanted = [user.id for user in users] + [users[0].id, unknown, users[7].id]

    answers = await asyncio.gather(*(storage.reader.read(user_id) for user_id in wanted))

    expected = [_profile_of(user) for user in users] + [_profile_of(users[0]), None, _profile_of(users[7])]
    assert answers == expected


async def test_a_committed_change_shows_in_the_next_read_and_a_rolled_back_one_never(storage: Storage) -> None:
    user = await _stored(storage, a_user())
    async with storage.new_uow() as uow:
        await uow.users.set_roles(user.id, ("support",))
        await uow.commit()
    async with storage.new_uow() as uow:
        await uow.users.set_roles(user.id, ("billing.read",))  # left without commit: rolled back

    profile = await storage.reader.read(user.id)

    assert profile is not None
    assert profile.roles == ("support",)
    async with storage.new_uow() as uow:
        assert (await uow.users.get(user.id)) == replace(user, roles=("support",)), "what is stored agrees"


async def test_a_read_during_another_units_uncommitted_change_answers_the_committed_profile_at_once(
    storage: Storage,
) -> None:
    """A profile read waits for no writer (no lock, no transaction, on SQLite not the writers' connection)."""
    user = await _stored(storage, a_user(roles=("support",)))

    async with storage.new_uow() as uow:
        await uow.users.set_roles(user.id, ("admin",))
        with anyio.fail_after(10):
            during = await storage.reader.read(user.id)
        await uow.commit()

    assert during == _profile_of(user)
    after = await storage.reader.read(user.id)
    assert after is not None
    assert after.roles == ("admin",)


async def test_a_sqlite_database_that_cannot_answer_is_storage_unavailable_to_every_waiting_read(
    tmp_path: Path,
) -> None:
    """The database's own failure (here a file without the schema: SQLite's OperationalError) is a 503
    to the caller, never a crash, for every read that shared the failed statement."""
    engine = create_sqlite_reader_engine(f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}")
    reader = SqlProfileReader(engine)
    try:
        answers = await asyncio.gather(*(reader.read(a_user().id) for _ in range(3)), return_exceptions=True)
    finally:
        await engine.dispose()

    assert [type(answer) for answer in answers] == [StorageUnavailable] * 3
