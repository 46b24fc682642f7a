"""GET /oauth/revocations: what downstream verifiers poll, for trusted clients only, on every storage adapter."""

from pathlib import Path
from typing import Any, Self

import pytest
from dishka import Provider, Scope, provide
from litestar.testing import AsyncTestClient

from adapters.memory.in_memory_unit_of_work import InMemoryUnitOfWork
from application.errors import StorageUnavailable
from application.ports.unit_of_work import UnitOfWork
from entrypoints.http.app import create_app
from tests.integration.flows import Client, bearer, log_in, register
from tests.support.http import settings_for_tests
from tests.support.oauth import CLIENT, basic

pytestmark = pytest.mark.anyio


async def feed(client: Client, after: str | None = None) -> dict[str, Any]:
    response = await client.get("/oauth/revocations", params={} if after is None else {"after": after}, headers=basic())
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    return dict(response.json())


async def session_id(client: Client, tokens: dict[str, Any]) -> str:
    return str((await client.get("/api/user/session", headers=bearer(tokens))).json()["session_id"])


async def test_a_logged_out_session_is_in_the_feed_and_a_live_one_is_not(oauth_client: Client) -> None:
    await register(oauth_client)
    gone, kept = await log_in(oauth_client), await log_in(oauth_client)
    gone_sid, kept_sid = await session_id(oauth_client, gone), await session_id(oauth_client, kept)
    assert (await oauth_client.post("/auth/logout", headers=bearer(gone))).status_code == 204

    answer = await feed(oauth_client)

    assert [entry["sid"] for entry in answer["revocations"]] == [gone_sid]
    assert kept_sid not in str(answer)
    assert answer["window"] == 15 * 60 + 30
    assert answer["cursor"].isdigit()


async def test_logging_out_everywhere_lists_every_session_of_the_user(oauth_client: Client) -> None:
    await register(oauth_client)
    first, second = await log_in(oauth_client), await log_in(oauth_client)
    sids = {await session_id(oauth_client, first), await session_id(oauth_client, second)}
    assert (await oauth_client.post("/auth/logout-all", headers=bearer(first))).status_code == 204

    assert {entry["sid"] for entry in (await feed(oauth_client))["revocations"]} == sids


async def test_a_read_from_the_last_cursor_repeats_recent_revocations_rather_than_miss_a_late_one(
    oauth_client: Client,
) -> None:
    """The read goes a margin back from the cursor (tessera's revocation look-back, 30 s by default)."""
    await register(oauth_client)
    tokens = await log_in(oauth_client)
    sid = await session_id(oauth_client, tokens)
    first = await feed(oauth_client)
    await oauth_client.post("/auth/logout", headers=bearer(tokens))

    second = await feed(oauth_client, first["cursor"])

    assert [entry["sid"] for entry in second["revocations"]] == [sid]
    assert int(second["cursor"]) >= int(first["cursor"])


@pytest.mark.parametrize("after", ["yesterday", "-1", "1.5", "1" * 18, ""])
async def test_a_cursor_tessera_did_not_give_is_a_400_problem(oauth_client: Client, after: str) -> None:
    response = await oauth_client.get("/oauth/revocations", params={"after": after}, headers=basic())
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/problem+json")


@pytest.mark.parametrize(
    "headers", [{}, basic(secret="wrong-secret-0123456789abcdefghijklmnop"), {"Authorization": "Bearer x"}]
)
async def test_the_feed_is_for_trusted_clients_only(oauth_client: Client, headers: dict[str, str]) -> None:
    response = await oauth_client.get("/oauth/revocations", headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'Basic realm="tessera"'


class UnreachableStorage(InMemoryUnitOfWork):
    down = False
    """Set once the app has started: start-up reads storage too."""

    async def __aenter__(self) -> Self:
        if UnreachableStorage.down:
            raise StorageUnavailable
        return await super().__aenter__()


class StorageDown(Provider):
    uow = provide(UnreachableStorage, provides=UnitOfWork, scope=Scope.REQUEST)


async def test_while_storage_is_unreachable_the_feed_answers_503_with_retry_after(tmp_path: Path) -> None:
    """Not an empty feed: a verifier must not take 'nothing revoked' from an outage."""
    settings = settings_for_tests("memory://", tmp_path, oauth_clients=(CLIENT,))
    async with AsyncTestClient(create_app(settings, StorageDown())) as client:
        UnreachableStorage.down = True
        try:
            response = await client.get("/oauth/revocations", headers=basic())
        finally:
            UnreachableStorage.down = False
    assert response.status_code == 503
    assert response.headers["retry-after"] == "5"
    assert response.headers["content-type"] == "application/problem+json"
