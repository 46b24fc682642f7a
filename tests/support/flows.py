"""Small steps of the HTTP API that many tests share."""

from typing import Any

from litestar.testing import AsyncTestClient

from tests.support.http import PASSWORD

Client = AsyncTestClient  # type: ignore[type-arg]


async def register(client: Client, email: str = "ada@example.com", password: str = PASSWORD) -> dict[str, Any]:
    response = await client.post("/auth/register", json={"email": email, "password": password})
    assert response.status_code == 201, response.text
    return dict(response.json())


async def log_in(client: Client, email: str = "ada@example.com", password: str = PASSWORD) -> dict[str, Any]:
    response = await client.post("/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    return dict(response.json())


def bearer(tokens: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens['access_token']}"}
