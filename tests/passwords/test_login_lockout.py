"""The third review's lock-out, end to end on every storage: guesses spread over many addresses lock
strangers out of an account, not its owner where they have logged in before."""

from typing import Any

import httpx
import pytest
from litestar.testing import transport

from tests.support.cookies import assert_problem
from tests.support.flows import Client, register
from tests.support.http import PASSWORD

pytestmark = [pytest.mark.anyio, pytest.mark.app]

OWNER, STRANGER = "198.51.100.1", "198.51.100.200"
PEER = "x-test-peer"


@pytest.fixture(autouse=True)
def peers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Requests carrying a `PEER` header reach the app from that address (the ASGI scope's client):
    the test client otherwise always connects from one fixed peer."""
    parse_request = transport.TestClientTransport.parse_request

    def from_peer(self: transport.TestClientTransport, request: httpx.Request) -> dict[str, Any]:  # type: ignore[type-arg]
        scope = parse_request(self, request)
        if PEER in request.headers:
            scope["client"] = (request.headers[PEER], 50_000)
        return scope

    monkeypatch.setattr(transport.TestClientTransport, "parse_request", from_peer)


async def _log_in(client: Client, address: str, password: str) -> httpx.Response:
    body = {"email": "ada@example.com", "password": password}
    return await client.post("/auth/login", json=body, headers={PEER: address})


async def test_bots_lock_the_account_for_a_stranger_and_the_owner_still_logs_in_from_home(
    any_storage_client: Client,
) -> None:
    await register(any_storage_client)
    assert (await _log_in(any_storage_client, OWNER, PASSWORD)).status_code == 200
    for bot in range(10):
        for _ in range(5):
            assert (await _log_in(any_storage_client, f"192.0.2.{bot}", "wrong password")).status_code == 401
    locked = await _log_in(any_storage_client, "192.0.2.10", "wrong password")
    assert_problem(locked, 429, "login-throttled")

    stranger = await _log_in(any_storage_client, STRANGER, PASSWORD)
    owner = await _log_in(any_storage_client, OWNER, PASSWORD)
    owner_in_one_64 = await _log_in(any_storage_client, "::ffff:198.51.100.1", PASSWORD)

    assert_problem(stranger, 429, "login-throttled")
    assert 0 < int(stranger.headers["retry-after"]) <= 15 * 60
    assert owner.status_code == 200 and owner.json()["access_token"]
    assert owner_in_one_64.status_code == 200


async def test_ipv6_addresses_in_one_64_share_one_count(any_storage_client: Client) -> None:
    await register(any_storage_client)
    for host in range(1, 6):
        assert (await _log_in(any_storage_client, f"2001:db8:aa:bb::{host}", "wrong password")).status_code == 401

    assert_problem(await _log_in(any_storage_client, "2001:db8:aa:bb::99", PASSWORD), 429, "login-throttled")
    assert (await _log_in(any_storage_client, "2001:db8:aa:cc::1", PASSWORD)).status_code == 200
