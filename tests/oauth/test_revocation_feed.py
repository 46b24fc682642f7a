"""GET /oauth/revocations: what downstream verifiers poll, for trusted clients only, on every storage adapter."""

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Self

import pytest
from dishka import Provider, Scope, provide
from litestar.testing import AsyncTestClient
from tessera_verifier.polling import RevocationPoller
from tessera_verifier.revocations import RevocationList

from adapters.memory.in_memory_store import InMemoryStore
from adapters.memory.in_memory_unit_of_work import InMemoryUnitOfWork
from application.errors import StorageUnavailable
from application.ports.unit_of_work import UnitOfWork
from domain.sessions import RevocationReason, Session
from entrypoints.http.app import create_app
from tests.support.builders import a_session, a_user
from tests.support.flows import Client, bearer, log_in, register
from tests.support.http import settings_for_tests
from tests.support.oauth import CLIENT, basic
from tests.support.problems import names_the_parameter

pytestmark = [pytest.mark.anyio, pytest.mark.app]


async def feed(client: Client, after: str | None = None, **params: object) -> dict[str, Any]:
    if after is not None:
        params["after"] = after
    response = await client.get("/oauth/revocations", params=params, headers=basic())  # type: ignore[arg-type]
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


async def test_a_mass_revocation_is_read_in_pages_each_entry_once_and_the_last_page_ends_the_read(
    oauth_client: Client,
) -> None:
    """Third review, item 15: logging out five sessions at once, read two at a time."""
    await register(oauth_client)
    sessions = [await log_in(oauth_client) for _ in range(5)]
    sids = {await session_id(oauth_client, tokens) for tokens in sessions}
    assert (await oauth_client.post("/auth/logout-all", headers=bearer(sessions[0]))).status_code == 204

    pages = [await feed(oauth_client, limit=2)]
    while pages[-1]["more"] and len(pages) < 10:
        pages.append(await feed(oauth_client, pages[-1]["cursor"], limit=2))

    listed = [entry["sid"] for page in pages for entry in page["revocations"]]
    assert [len(page["revocations"]) for page in pages] == [2, 2, 1]
    assert [page["more"] for page in pages] == [True, True, False]
    assert sorted(listed) == sorted(sids) and len(set(listed)) == 5
    assert len({entry["revoked_at"] for page in pages for entry in page["revocations"]}) == 1  # one moment
    began = pages[0]["cursor"].split(".")[0]
    assert pages[-1]["cursor"] == began  # the next read goes back from where this one began


async def test_without_a_limit_a_page_holds_up_to_a_thousand(oauth_client: Client) -> None:
    await register(oauth_client)
    tokens = await log_in(oauth_client)
    await oauth_client.post("/auth/logout", headers=bearer(tokens))

    answer = await feed(oauth_client)

    assert (len(answer["revocations"]), answer["more"]) == (1, False)


@pytest.mark.parametrize(
    "after", ["yesterday", "-1", "1.5", "1" * 18, "", "1.2." + "0" * 31, "1.2." + "G" * 32, "1." + "0" * 32]
)
async def test_a_cursor_tessera_did_not_give_is_a_400_problem_naming_after(oauth_client: Client, after: str) -> None:
    response = await oauth_client.get("/oauth/revocations", params={"after": after}, headers=basic())
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert names_the_parameter(response.json()["detail"], "after")


@pytest.mark.parametrize("limit", ["0", "1001", "-3", "ten", "1.5", ""])
async def test_a_limit_out_of_range_is_a_400_problem_naming_limit(oauth_client: Client, limit: str) -> None:
    response = await oauth_client.get("/oauth/revocations", params={"limit": limit}, headers=basic())
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert names_the_parameter(response.json()["detail"], "limit")


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


class SeededStore(Provider):
    """The app's in-memory storage, filled beforehand."""

    def __init__(self, store: InMemoryStore) -> None:
        super().__init__()
        self._store = store

    @provide(scope=Scope.APP)
    def store(self) -> InMemoryStore:
        return self._store


def revoked_sessions(count: int, at: datetime) -> dict[uuid.UUID, Session]:
    sessions = (a_session(a_user()) for _ in range(count))
    return {s.id: s.revoke(at, RevocationReason.LOGOUT_EVERYWHERE) for s in sessions}


async def test_tessera_verifier_follows_the_real_feeds_pages_and_misses_no_revocation(tmp_path: Path) -> None:
    """Third review, item 15, end to end: 2,300 revocations (three pages of at most 1,000), 1,500 of them
    at one moment (one transaction's), read by the verifier's poller in one poll, each one known."""
    now = datetime.now(UTC)
    store = InMemoryStore()
    store.tables.sessions.update(revoked_sessions(1500, now - timedelta(seconds=20)))
    store.tables.sessions.update(revoked_sessions(800, now - timedelta(seconds=10)))
    settings = settings_for_tests("memory://", tmp_path, oauth_clients=(CLIENT,))
    revocations = RevocationList(leeway=30, stale_after=120)
    poller = RevocationPoller("http://testserver.local/oauth/revocations", basic()["Authorization"], revocations, 60)

    async with AsyncTestClient(create_app(settings, SeededStore(store))) as client:
        await poller.apoll(client)
        first_read = len(revocations)
        await poller.apoll(client)  # the next read, from the first one's start: nothing new, nothing lost

    assert first_read == len(revocations) == 2300 and revocations.synced
    assert all(revocations.is_revoked(str(sid)) for sid in store.tables.sessions)
