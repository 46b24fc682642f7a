"""What load balancers and monitoring see."""

import pytest

from tests.integration.flows import Client, bearer, log_in, register

pytestmark = pytest.mark.anyio


async def test_a_started_replica_is_ready(client: Client) -> None:
    response = await client.get("/ready")
    assert response.status_code == 200
    assert "no-store" in response.headers["cache-control"]


async def test_metrics_count_security_events_and_show_the_revocation_view(client: Client) -> None:
    await register(client)
    tokens = await log_in(client)
    await client.post("/auth/login", json={"email": "ada@example.com", "password": "wrong password"})
    await client.post("/auth/logout", headers=bearer(tokens))

    response = await client.get("/metrics")

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
