"""A deployment that moves from the stronger profile (64 MiB, t=3) to the default argon2id parameters
keeps its users' old hashes until each of them logs in: that login stores a hash at the new parameters.
Real argon2id at both costs, on stores that outlive the app (the users were registered by the app
before the change)."""

from collections.abc import Callable
from pathlib import Path

import pytest
from dishka import AsyncContainer
from litestar.testing import AsyncTestClient

from application.ports.unit_of_work import UnitOfWork
from domain.users import Email
from entrypoints.http.app import create_app
from entrypoints.settings.config import Settings
from tests.support.cookies import assert_problem
from tests.support.flows import Client, log_in, register
from tests.support.http import PASSWORD, settings_for_tests
from tests.support.stored import in_app

pytestmark = [pytest.mark.anyio, pytest.mark.app]

DEFAULTS = Settings()
STRONG = {"argon2_time_cost": 3, "argon2_memory_kib": 65536, "argon2_parallelism": 1}
"""The stronger profile docs/deployment.md documents: tessera's default before issue 23."""
DEFAULT = {
    "argon2_time_cost": DEFAULTS.argon2_time_cost,
    "argon2_memory_kib": DEFAULTS.argon2_memory_kib,
    "argon2_parallelism": DEFAULTS.argon2_parallelism,
}
EMAIL = "ada@example.com"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def start_app(request: pytest.FixtureRequest, tmp_path: Path) -> Callable[[dict[str, int]], Client]:
    """Apps with the given argon2 parameters, one after another, on one lasting store."""
    url = request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "clean_postgres_url")
    return lambda parameters: AsyncTestClient(create_app(settings_for_tests(url, tmp_path, **parameters)))


async def stored_hash(client: Client) -> str:
    async def read(container: AsyncContainer) -> str:
        async with container() as request:
            uow = await request.get(UnitOfWork)  # type: ignore[type-abstract]
            async with uow:
                user = await uow.users.get_by_email(Email.parse(EMAIL))
        assert user is not None
        return str(user.password_hash)

    return await in_app(client, read)


async def test_a_user_hashed_with_the_strong_profile_is_rehashed_at_the_defaults_by_the_next_login(
    start_app: Callable[[dict[str, int]], Client],
) -> None:
    async with start_app(STRONG) as before:
        await register(before)
        assert "$m=65536,t=3,p=1$" in await stored_hash(before)

    async with start_app(DEFAULT) as after:
        wrong = await after.post("/auth/login", json={"email": EMAIL, "password": PASSWORD + "!"})
        assert_problem(wrong, 401, "invalid-credentials")
        assert "$m=65536,t=3,p=1$" in await stored_hash(after)  # a failure rehashes nothing

        await log_in(after)
        rehashed = await stored_hash(after)
        parameters = f"$m={DEFAULTS.argon2_memory_kib},t={DEFAULTS.argon2_time_cost},p={DEFAULTS.argon2_parallelism}$"
        assert rehashed.startswith("$argon2id$") and parameters in rehashed

        await log_in(after)  # the same password against the new hash
        assert await stored_hash(after) == rehashed  # current parameters: nothing to rehash
        wrong = await after.post("/auth/login", json={"email": EMAIL, "password": PASSWORD + "!"})
        assert_problem(wrong, 401, "invalid-credentials")


async def test_raising_the_cost_back_to_the_strong_profile_rehashes_the_same_way(
    start_app: Callable[[dict[str, int]], Client],
) -> None:
    async with start_app(DEFAULT) as before:
        await register(before)

    async with start_app(STRONG) as after:
        await log_in(after)
        assert "$m=65536,t=3,p=1$" in await stored_hash(after)
        await log_in(after)
