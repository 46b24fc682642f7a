"""What load balancers and monitoring see."""

from pathlib import Path

import httpx
import pytest
from dishka import Provider, Scope, provide
from litestar.testing import AsyncTestClient

from adapters.crypto.signing_keys import SigningKeySet
from adapters.observability.metrics_listener import metrics_listener
from deploy.ports import free_port
from entrypoints.http.app import create_app
from tests.support.flows import Client, bearer, log_in, register
from tests.support.http import PASSWORD, settings_for_tests

pytestmark = [pytest.mark.anyio, pytest.mark.app]


async def test_a_started_replica_is_ready(client: Client) -> None:
    response = await client.get("/ready")
    assert response.status_code == 200
    assert "no-store" in response.headers["cache-control"]


async def test_metrics_are_served_on_their_own_listener_and_not_by_the_api(client: Client) -> None:
    await register(client)
    tokens = await log_in(client)
    await client.post("/auth/login", json={"email": "ada@example.com", "password": "wrong password"})
    await client.post("/auth/logout", headers=bearer(tokens))

    port = free_port()
    with metrics_listener(("127.0.0.1", port)):
        async with httpx.AsyncClient() as scraper:
            response = await scraper.get(f"http://127.0.0.1:{port}/metrics")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    for line in (
        'tessera_security_events_total{kind="login_succeeded"}',
        'tessera_security_events_total{kind="login_failed"}',
        'tessera_security_events_total{kind="logged_out"}',
        "tessera_revocation_view_entries 1.0",
        "tessera_revocation_view_age_seconds",
        "tessera_storage_unavailable_total",
    ):
        assert line in text, line
    on_the_api = await client.get("/metrics")
    assert on_the_api.status_code == 404
    assert "/metrics" not in (await client.get("/schema/openapi.json")).json()["paths"]


class NoKeyLoaded(Provider):
    """A replica whose shared key set has not been loaded yet."""

    @provide(scope=Scope.APP)
    def signing_keys(self) -> SigningKeySet:
        return SigningKeySet()


async def test_a_replica_without_a_signing_key_is_not_ready_and_refuses_to_issue_tokens(tmp_path: Path) -> None:
    async with AsyncTestClient(create_app(settings_for_tests("memory://", tmp_path), NoKeyLoaded())) as client:
        ready = await client.get("/ready")
        await register(client)
        login = await client.post("/auth/login", json={"email": "ada@example.com", "password": PASSWORD})

    for response in (ready, login):
        assert response.status_code == 503
        assert response.headers["content-type"] == "application/problem+json"
        assert response.headers["retry-after"] == "5"
        assert response.json()["detail"] == "No signing key is loaded yet."
