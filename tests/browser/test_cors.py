"""CORS for the cookie transport: none by default, credentials for the configured origins only.

The client speaks https (httpx keeps `Secure` cookies for https only), so tessera's own origin
here is https://testserver.local (tests.support.cookies).
"""

from pathlib import Path

import pytest
from litestar.testing import AsyncTestClient

from entrypoints.http.app import create_app
from entrypoints.settings.reader import settings_from_env
from tests.support.app_clients import ClientFactory
from tests.support.cookies import APP_ORIGIN, OWN_ORIGIN
from tests.support.flows import Client
from tests.support.http import dev_key_text

pytestmark = [pytest.mark.anyio, pytest.mark.app]


async def test_no_cors_header_is_ever_sent_by_default(browser: Client) -> None:
    preflight = await browser.options(
        "/auth/login",
        headers={"Origin": APP_ORIGIN, "Access-Control-Request-Method": "POST"},
    )
    simple = await browser.get("/health", headers={"Origin": APP_ORIGIN})
    for response in (preflight, simple):
        assert not [name for name in response.headers if name.lower().startswith("access-control-")]


async def test_a_configured_origin_passes_the_preflight_with_credentials(start_browser_client: ClientFactory) -> None:
    async with start_browser_client(allowed_origins=(APP_ORIGIN,)) as client:
        response = await client.options(
            "/api/user/profile",
            headers={
                "Origin": APP_ORIGIN,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "content-type, x-requested-with, authorization",
            },
        )
    assert response.status_code == 204, response.text
    assert response.headers["access-control-allow-origin"] == APP_ORIGIN
    assert response.headers["access-control-allow-credentials"] == "true"
    allowed = {header.strip().lower() for header in response.headers["access-control-allow-headers"].split(",")}
    assert {"authorization", "content-type", "x-requested-with"} <= allowed


async def test_another_origin_fails_the_preflight(start_browser_client: ClientFactory) -> None:
    async with start_browser_client(allowed_origins=(APP_ORIGIN,)) as client:
        response = await client.options(
            "/auth/logout",
            headers={
                "Origin": "https://evil.example",
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "x-requested-with",
            },
        )
        simple = await client.get("/health", headers={"Origin": "https://evil.example"})
    assert response.status_code >= 400
    assert "access-control-allow-origin" not in response.headers
    assert "access-control-allow-origin" not in simple.headers


async def test_allowed_origins_come_from_the_environment(tmp_path: Path) -> None:
    (tmp_path / "key.jwk").write_text(dev_key_text())
    settings = settings_from_env(
        {
            "TESSERA_DATABASE_URL": "memory://",
            "TESSERA_DEV_KEY_FILE": str(tmp_path / "key.jwk"),
            "TESSERA_ALLOWED_ORIGINS": f"{APP_ORIGIN}, http://localhost:5173",
        }
    )
    async with AsyncTestClient(create_app(settings), base_url=OWN_ORIGIN) as client:
        response = await client.options(
            "/auth/login", headers={"Origin": "http://localhost:5173", "Access-Control-Request-Method": "POST"}
        )
    assert response.headers["access-control-allow-origin"] == "http://localhost:5173"
