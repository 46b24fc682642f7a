"""POST /auth/session/exchange in-process with the Express bridge, its Redis unreachable: the cookie's
signature is checked before Redis is asked, so what a forged, unsigned or foreign cookie gets needs
no Redis at all, and a genuine one meets the outage (503). Sessions exchanged for real, with Node and
Redis: tests/legacy/test_express_session_exchange.py."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from litestar.testing import AsyncTestClient
from prometheus_client import REGISTRY

from adapters.legacy.express_sessions import signature
from deploy.ports import free_port
from entrypoints.http.app import create_app
from entrypoints.settings.legacy import LegacyBridgeSettings
from tests.support.flows import Client
from tests.support.http import settings_for_tests

pytestmark = [pytest.mark.anyio, pytest.mark.app]
OWN_ORIGIN = "https://testserver.local"
SAME_ORIGIN = {"X-Requested-With": "tessera", "Origin": OWN_ORIGIN}
ROUTE = "/auth/session/exchange"
SECRET = b"the express app's secret"
SID = "oN9x3gBjgnDRbBVIzCGpoTLiO8l0waQQ"


def signed(session_id: str, secret: bytes = SECRET) -> str:
    """The connect.sid value express-session sets, URL-encoded as the browser sends it."""
    return f"s%3A{session_id}.{signature(session_id, secret).replace('/', '%2F').replace('+', '%2B')}"


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[Client]:
    secret_file = tmp_path / "express-session-secrets"
    secret_file.write_bytes(b"the new one\n" + SECRET + b"\n")
    bridge = LegacyBridgeSettings(f"express+redis://127.0.0.1:{free_port()}/0", secret_file=secret_file)
    app = create_app(settings_for_tests("memory://", tmp_path, legacy_bridge=bridge))
    async with AsyncTestClient(app, base_url=OWN_ORIGIN) as test_client:
        yield test_client


def refused(reason: str) -> float:
    return REGISTRY.get_sample_value("tessera_legacy_session_exchanges_total", {"outcome": reason}) or 0.0


async def test_the_route_documents_express_sessions_cookie(client: Client) -> None:
    operation = (await client.get("/schema/openapi.json")).json()["paths"][ROUTE]["post"]
    [cookie] = [p for p in operation["parameters"] if p["in"] == "cookie"]
    assert cookie["name"] == "connect.sid" and "express-session" in cookie["description"]


@pytest.mark.parametrize("forged", [signed(SID, b"another app's secret"), signed(SID)[:-1] + "x", f"s%3A{SID}"])
async def test_a_cookie_no_secret_signed_is_401_naming_the_cookie_without_asking_redis(
    client: Client, forged: str
) -> None:
    before = refused("bad_signature")
    response = await client.post(ROUTE, headers={**SAME_ORIGIN, "Cookie": f"connect.sid={forged}"})
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["www-authenticate"] == 'Cookie realm="tessera", cookie-name="connect.sid"'
    assert refused("bad_signature") == before + 1


@pytest.mark.parametrize("cookie", [SID, "j%3A%7B%7D"], ids=["unsigned", "json"])
async def test_a_cookie_express_session_would_ignore_is_a_bad_request(client: Client, cookie: str) -> None:
    response = await client.post(ROUTE, headers={**SAME_ORIGIN, "Cookie": f"connect.sid={cookie}"})
    assert response.status_code == 400
    assert response.json()["type"] == "urn:tessera:problem:invalid-legacy-session-cookie"


async def test_a_genuine_cookie_meets_the_unreachable_redis_as_503(client: Client) -> None:
    before = refused("unavailable")
    response = await client.post(ROUTE, json={"legacy_session_id": signed(SID)})
    assert response.status_code == 503
    assert response.headers["retry-after"] == "5"
    assert refused("unavailable") == before + 1


@pytest.mark.parametrize("forged", [f"s:{SID}.signé", f"s:✓{SID}.{signature(SID, SECRET)}"])
async def test_a_forged_value_with_characters_no_signature_has_is_401_not_a_crash(client: Client, forged: str) -> None:
    response = await client.post(ROUTE, json={"legacy_session_id": forged})
    assert response.status_code == 401
