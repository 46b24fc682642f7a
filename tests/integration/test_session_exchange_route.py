"""POST /auth/session/exchange in-process, on Litestar's FileStore (and an unreachable Redis):
its answers, its problems, its CSRF rule, its metrics, and its absence when switched off."""

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from prometheus_client import REGISTRY

from entrypoints.http.app import create_app
from entrypoints.legacy_settings import LegacyBridgeSettings
from tests.integration.flows import Client, bearer, register
from tests.support.http import settings_for_tests
from tests.support.legacy_stores import LitestarStore, file_store, new_session_id
from tests.support.ports import free_port

pytestmark = pytest.mark.anyio
OWN_ORIGIN = "https://testserver.local"
SAME_ORIGIN = {"X-Requested-With": "tessera", "Origin": OWN_ORIGIN}
ROUTE = "/auth/session/exchange"


@pytest.fixture
def legacy(tmp_path: Path) -> LitestarStore:
    return file_store(tmp_path / "legacy-sessions")


def bridged_app(tmp_path: Path, store_url: str) -> Any:
    bridge = LegacyBridgeSettings(store_url)
    return create_app(settings_for_tests("memory://", tmp_path, legacy_bridge=bridge))


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[Client]:
    app = bridged_app(tmp_path, f"file://{tmp_path / 'legacy-sessions'}")
    async with AsyncTestClient(app, base_url=OWN_ORIGIN) as test_client:
        yield test_client


async def logged_in_the_old_way(client: Client, legacy: LitestarStore) -> tuple[str, str]:
    """A tessera user, and the id of a legacy session naming them."""
    user_id = str((await register(client))["id"])
    session_id = new_session_id()
    await legacy.put(session_id, {"user_id": user_id})
    return user_id, session_id


def exchanged(outcome: str) -> float:
    return REGISTRY.get_sample_value("tessera_legacy_session_exchanges_total", {"outcome": outcome}) or 0.0


async def test_the_route_is_absent_while_the_bridge_is_off(tmp_path: Path) -> None:
    async with AsyncTestClient(create_app(settings_for_tests("memory://", tmp_path)), base_url=OWN_ORIGIN) as off:
        response = await off.post(ROUTE, headers={**SAME_ORIGIN, "Cookie": f"session={new_session_id()}"})
        assert response.status_code == 404
        assert ROUTE not in (await off.get("/schema/openapi.json")).json()["paths"]


async def test_the_route_is_documented_with_its_problems_while_the_bridge_is_on(client: Client) -> None:
    operation = (await client.get("/schema/openapi.json")).json()["paths"][ROUTE]["post"]
    assert {"200", "400", "401", "403", "503"} <= set(operation["responses"])
    assert any(p["name"] == "session" and p["in"] == "cookie" for p in operation["parameters"])


async def test_a_server_side_caller_exchanges_the_legacy_session_id_in_the_body_for_a_token_pair_once(
    client: Client, legacy: LitestarStore
) -> None:
    """The explicit opt-in for tokens in the body: the id itself, which only a server-side caller holds."""
    user_id, session_id = await logged_in_the_old_way(client, legacy)
    before = exchanged("exchanged")
    response = await client.post(ROUTE, json={"legacy_session_id": session_id})
    assert response.status_code == 200, response.text
    tokens = response.json()
    assert set(tokens) == {"access_token", "token_type", "expires_in", "refresh_token", "refresh_expires_in"}
    assert response.headers["cache-control"] == "no-store"
    assert (await client.get("/api/user/profile", headers=bearer(tokens))).json()["id"] == user_id
    assert (await client.post("/auth/refresh", json={"refresh_token": tokens["refresh_token"]})).status_code == 200
    assert await legacy.get(session_id) is None
    cleared = [c for c in response.headers.get_list("set-cookie") if c.startswith("session=")]
    assert len(cleared) == 1 and "Max-Age=0" in cleared[0] and "Path=/" in cleared[0]
    assert exchanged("exchanged") == before + 1
    assert (await client.post(ROUTE, json={"legacy_session_id": session_id})).status_code == 401


@pytest.mark.parametrize("body", [None, {}, {"transport": "cookie"}], ids=["no body", "empty", "cookie"])
async def test_the_legacy_cookie_is_answered_in_cookies_only_never_with_tokens_in_the_body(
    client: Client, legacy: LitestarStore, body: dict[str, str] | None
) -> None:
    _, session_id = await logged_in_the_old_way(client, legacy)
    response = await client.post(ROUTE, json=body, headers={**SAME_ORIGIN, "Cookie": f"session={session_id}"})
    assert response.status_code == 200, response.text
    assert set(response.json()) == {"transport", "expires_in", "refresh_expires_in"}
    assert response.json()["transport"] == "cookie"
    names = {c.split("=", 1)[0] for c in response.headers.get_list("set-cookie")}
    assert {"__Host-tessera-access", "__Secure-tessera-refresh", "session"} <= names
    assert (await client.get("/api/user/profile")).status_code == 200


async def test_a_bearer_answer_to_the_legacy_cookie_is_a_bad_request_and_leaves_the_session(
    client: Client, legacy: LitestarStore
) -> None:
    _, session_id = await logged_in_the_old_way(client, legacy)
    response = await client.post(
        ROUTE, json={"transport": "bearer"}, headers={**SAME_ORIGIN, "Cookie": f"session={session_id}"}
    )
    assert response.status_code == 400
    assert response.json()["type"] == "urn:tessera:problem:invalid-request"
    assert "access_token" not in response.text and response.headers.get_list("set-cookie") == []
    assert await legacy.get(session_id) is not None


async def test_a_server_side_caller_asking_for_cookies_needs_the_csrf_proof(
    client: Client, legacy: LitestarStore
) -> None:
    _, session_id = await logged_in_the_old_way(client, legacy)
    body = {"legacy_session_id": session_id, "transport": "cookie"}
    assert (await client.post(ROUTE, json=body)).status_code == 403
    assert await legacy.get(session_id) is not None
    assert (await client.post(ROUTE, json=body, headers=SAME_ORIGIN)).json()["transport"] == "cookie"


@pytest.mark.parametrize("headers", [{}, {"X-Requested-With": "tessera"}, {"Origin": OWN_ORIGIN}])
async def test_an_exchange_without_the_csrf_proof_is_refused_and_leaves_the_session(
    client: Client, legacy: LitestarStore, headers: dict[str, str]
) -> None:
    _, session_id = await logged_in_the_old_way(client, legacy)
    response = await client.post(ROUTE, headers={**headers, "Cookie": f"session={session_id}"})
    assert response.status_code == 403
    assert await legacy.get(session_id) is not None


@pytest.mark.parametrize("cookie", [None, "null", "x" * 64, new_session_id()[:-2], new_session_id().upper()])
async def test_a_missing_or_malformed_cookie_is_a_bad_request(
    client: Client, legacy: LitestarStore, cookie: str | None
) -> None:
    _, session_id = await logged_in_the_old_way(client, legacy)
    headers = SAME_ORIGIN if cookie is None else {**SAME_ORIGIN, "Cookie": f"session={cookie}"}
    response = await client.post(ROUTE, headers=headers)
    assert response.status_code == 400
    assert response.json()["type"] == "urn:tessera:problem:invalid-legacy-session-cookie"
    assert await legacy.get(session_id) is not None


async def test_an_unknown_session_is_unauthorized(client: Client) -> None:
    response = await client.post(ROUTE, headers={**SAME_ORIGIN, "Cookie": f"session={new_session_id()}"})
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(
    "body", [{"transport": "carrier-pigeon"}, {"legacy_session_id": "x" * 64}, {"legacy_session_id": 7}]
)
async def test_a_malformed_body_is_a_bad_request(client: Client, legacy: LitestarStore, body: object) -> None:
    _, session_id = await logged_in_the_old_way(client, legacy)
    response = await client.post(ROUTE, json=body, headers={**SAME_ORIGIN, "Cookie": f"session={session_id}"})
    assert response.status_code == 400
    assert await legacy.get(session_id) is not None


async def test_an_unreachable_legacy_store_is_503_with_retry_after(tmp_path: Path) -> None:
    app = bridged_app(tmp_path, f"redis://127.0.0.1:{free_port()}/0")
    async with AsyncTestClient(app, base_url=OWN_ORIGIN) as client:
        before = exchanged("unavailable")
        response = await client.post(ROUTE, headers={**SAME_ORIGIN, "Cookie": f"session={new_session_id()}"})
        assert response.status_code == 503
        assert response.headers["retry-after"] == "5"
        assert exchanged("unavailable") == before + 1
