"""The profile cache sits behind authentication: a cached profile is never served for a token that the
verifier refuses (revoked session, disabled user, expired token), even a moment after it was cached."""

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import anyio
import pytest
from dishka import Provider, Scope, provide
from litestar.testing import AsyncTestClient

from application.actors import OPERATOR
from application.ports.clock import Clock
from application.use_cases.disable_user import DisableUser
from domain.users import Email
from entrypoints.http.app import create_app
from tests.support.fakes import FixedClock
from tests.support.flows import Client, bearer, log_in, register
from tests.support.http import settings_for_tests

pytestmark = [pytest.mark.anyio, pytest.mark.app]


class Frozen(Provider):
    def __init__(self, clock: FixedClock) -> None:
        super().__init__()
        self._clock = clock

    @provide(scope=Scope.APP)
    def clock(self) -> Clock:
        return self._clock


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


@pytest.fixture
async def frozen_client(tmp_path: Path, clock: FixedClock) -> AsyncIterator[Client]:
    async with AsyncTestClient(create_app(settings_for_tests("memory://", tmp_path), Frozen(clock))) as client:
        yield client


async def _cached_profile(client: Client) -> dict[str, str]:
    await register(client)
    tokens = await log_in(client)
    first = await client.get("/api/user/profile", headers=bearer(tokens))
    second = await client.get("/api/user/profile", headers=bearer(tokens))
    assert first.status_code == second.status_code == 200, first.text
    return bearer(tokens)


async def test_a_cached_profile_is_refused_after_its_session_is_logged_out(frozen_client: Client) -> None:
    credentials = await _cached_profile(frozen_client)
    assert (await frozen_client.post("/auth/logout", headers=credentials)).status_code == 204

    response = await frozen_client.get("/api/user/profile", headers=credentials)

    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")


async def test_a_cached_profile_is_refused_once_its_user_is_disabled(frozen_client: Client) -> None:
    credentials = await _cached_profile(frozen_client)

    async def disable() -> None:
        async with frozen_client.app.state.dishka_container() as request:
            await (await request.get(DisableUser)).execute(Email.parse("ada@example.com"), OPERATOR)

    await anyio.to_thread.run_sync(frozen_client.blocking_portal.call, disable)

    assert (await frozen_client.get("/api/user/profile", headers=credentials)).status_code == 401


async def test_a_cached_profile_is_refused_once_the_access_token_expires(
    frozen_client: Client, clock: FixedClock
) -> None:
    credentials = await _cached_profile(frozen_client)
    policy_window = timedelta(minutes=15) + timedelta(seconds=30)  # the default access TTL and leeway

    clock.advance(policy_window - timedelta(seconds=1))
    assert (await frozen_client.get("/api/user/profile", headers=credentials)).status_code == 200
    clock.advance(timedelta(seconds=2))
    assert (await frozen_client.get("/api/user/profile", headers=credentials)).status_code == 401
