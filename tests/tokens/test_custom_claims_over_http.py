"""Custom claims over HTTP: set by an admin (`PUT /admin/users/{id}/claims`), carried in the access
tokens issued from then on (the next refresh), shown in introspection and the profile at once."""

import base64
import json
import uuid
from typing import Any

import pytest

from tests.support.flows import Client, bearer, log_in, register
from tests.support.oauth import basic
from tests.users.test_admin import _admin

pytestmark = [pytest.mark.anyio, pytest.mark.app]
CLAIMS = {"tenant": "acme", "permissions": ["invoices:read", "invoices:write"], "legacy_session": {"plan": "pro"}}


def _payload(tokens: dict[str, Any]) -> dict[str, Any]:
    part = tokens["access_token"].split(".")[1]
    return dict(json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))))


async def _set(client: Client, admin: dict[str, Any], user_id: str, claims: object) -> Any:
    return await client.put(f"/admin/users/{user_id}/claims", json=claims, headers=bearer(admin))


async def test_claims_set_by_an_admin_are_in_the_next_refreshed_token_the_profile_and_introspection(
    oauth_client: Client,
) -> None:
    client = oauth_client
    admin = await _admin(client)
    ada = await register(client)
    tokens = await log_in(client)
    assert (await client.get("/api/user/profile", headers=bearer(tokens))).json()["claims"] == {}

    answer = await _set(client, admin, ada["id"], CLAIMS)
    assert answer.status_code == 200, answer.text
    assert answer.json()["claims"] == CLAIMS

    assert "tenant" not in _payload(tokens)  # a token already issued stays as it was signed
    refreshed = await client.post("/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert refreshed.status_code == 200, refreshed.text
    payload = _payload(refreshed.json())
    assert {name: payload[name] for name in CLAIMS} == CLAIMS
    assert payload["sub"] == ada["id"] and payload["roles"] == []
    assert (await client.get("/api/user/profile", headers=bearer(refreshed.json()))).json()["claims"] == CLAIMS
    form = {"token": refreshed.json()["access_token"]}
    introspected = await client.post("/oauth/introspect", data=form, headers=basic())
    assert introspected.json()["active"] is True and introspected.json()["claims"] == CLAIMS

    assert (await _set(client, admin, ada["id"], {})).status_code == 200
    cleared = await log_in(client)
    assert "tenant" not in _payload(cleared)
    cleared_answer = await client.post("/oauth/introspect", data={"token": cleared["access_token"]}, headers=basic())
    assert "claims" not in cleared_answer.json()


@pytest.mark.parametrize(
    ("claims", "reason"),
    [
        ({"sub": "someone-else"}, "reserved"),
        ({"roles": ["admin"], "tenant": "acme"}, "reserved"),
        ({"blob": "x" * 1100}, "1024 bytes"),
        (["a", "list"], None),
        ("text", None),
    ],
)
async def test_claims_that_break_the_rules_are_a_400_problem_and_nothing_changes(
    client: Client, claims: object, reason: str | None
) -> None:
    admin = await _admin(client)
    ada = await register(client)
    answer = await _set(client, admin, ada["id"], claims)
    assert answer.status_code == 400, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    if reason is not None:
        assert reason in answer.json()["detail"]
    assert "claims" not in _payload(await log_in(client)) and "sub" in _payload(await log_in(client))


async def test_claims_of_an_unknown_user_are_a_404_and_a_non_admin_gets_403(client: Client) -> None:
    admin = await _admin(client)
    assert (await _set(client, admin, str(uuid.uuid4()), CLAIMS)).status_code == 404
    assert (await _set(client, admin, "not-a-uuid", CLAIMS)).status_code == 404
    ada = await register(client)
    tokens = await log_in(client)
    assert (await _set(client, tokens, ada["id"], CLAIMS)).status_code == 403


async def test_claims_sent_as_another_type_than_json_are_a_415_and_nothing_changes(client: Client) -> None:
    admin = await _admin(client)
    ada = await register(client)
    for content_type in ("text/plain", "application/x-www-form-urlencoded"):
        answer = await client.put(
            f"/admin/users/{ada['id']}/claims",
            content=json.dumps(CLAIMS),
            headers={**bearer(admin), "Content-Type": content_type},
        )
        assert answer.status_code == 415, answer.text
    assert "tenant" not in _payload(await log_in(client))


async def test_the_openapi_schema_lists_the_claims_route(client: Client) -> None:
    schema = (await client.get("/schema/openapi.json")).json()
    operation = schema["paths"]["/admin/users/{user_id}/claims"]["put"]
    assert {"200", "400", "401", "403", "404"} <= set(operation["responses"])
