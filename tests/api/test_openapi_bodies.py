"""The OpenAPI document says what decoding a JSON body enforces: closed bodies, the bounds and
format of a new account's fields, and that a bearer answer needs the credential in the body."""

from typing import Any

import pytest

from tests.support.flows import Client

pytestmark = [pytest.mark.anyio, pytest.mark.app]


async def bodies(client: Client) -> dict[str, Any]:
    schemas: dict[str, Any] = (await client.get("/schema/openapi.json")).json()["components"]["schemas"]
    return schemas


async def test_a_body_that_refuses_unknown_fields_is_documented_as_closed(client: Client) -> None:
    schemas = await bodies(client)
    for name in ("RegisterRequest", "LoginRequest", "RefreshRequest"):
        assert schemas[name]["additionalProperties"] is False, name
    answer = await client.post("/auth/login", json={"email": "a@example.com", "password": "x" * 8, "extra": 1})
    assert answer.status_code == 400


async def test_registration_documents_the_bounds_and_format_it_enforces(client: Client) -> None:
    fields = (await bodies(client))["RegisterRequest"]["properties"]
    assert fields["email"] == {"type": "string", "format": "email", "minLength": 3, "maxLength": 254}
    assert (fields["password"]["minLength"], fields["password"]["maxLength"]) == (8, 1024)
    assert (fields["display_name"]["minLength"], fields["display_name"]["maxLength"]) == (1, 100)
    for refused in (
        {"email": "", "password": "x" * 8},
        {"email": "a@example.com", "password": "x" * 8, "display_name": ""},
    ):
        assert (await client.post("/auth/register", json=refused)).status_code == 400


async def test_a_bearer_refresh_is_documented_to_need_the_refresh_token_in_the_body(client: Client) -> None:
    refresh = (await bodies(client))["RefreshRequest"]
    assert refresh["if"] == {"properties": {"transport": {"const": "bearer"}}, "required": ["transport"]}
    assert refresh["then"] == {"properties": {"refresh_token": {"type": "string"}}, "required": ["refresh_token"]}
    answer = await client.post("/auth/refresh", json={"transport": "bearer"}, cookies={"__Secure-tessera-refresh": "x"})
    assert answer.status_code == 400
