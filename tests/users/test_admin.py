"""`/admin` over HTTP: the role guard, listing users, disabling, enabling, ending a user's sessions."""

import json
import uuid
from typing import Any

import anyio
import pytest

from application.actors import OPERATOR
from application.use_cases.grant_role import GrantRole
from application.use_cases.import_users import ImportOptions, ImportUsers
from application.use_cases.revoke_role import RevokeRole
from domain.users import Email
from tests.support.flows import Client, bearer, log_in, register
from tests.support.http import PASSWORD

pytestmark = [pytest.mark.anyio, pytest.mark.app]
ROOT = "root@example.com"


async def _operator(client: Client, use_case: type[Any], email: str, role: str = "admin") -> None:
    """What `tessera users grant|revoke-role` does, through the app's own composition root, run on
    the app's event loop (its database connections belong to that loop)."""

    async def change() -> None:
        async with client.app.state.dishka_container() as request:
            await (await request.get(use_case)).execute(Email.parse(email), role, OPERATOR)

    await anyio.to_thread.run_sync(client.blocking_portal.call, change)


async def _admin(client: Client) -> dict[str, Any]:
    await register(client, ROOT)
    await _operator(client, GrantRole, ROOT)
    return await log_in(client, ROOT)


async def test_a_token_without_the_admin_role_gets_403_insufficient_scope(client: Client) -> None:
    await register(client)
    tokens = await log_in(client)

    for method, path in [("GET", "/admin/users"), ("POST", f"/admin/users/{uuid.uuid4()}/disable")]:
        answer = await client.request(method, path, headers=bearer(tokens))
        assert answer.status_code == 403, answer.text
        assert answer.headers["www-authenticate"] == 'Bearer realm="tessera", error="insufficient_scope"'
        assert answer.headers["content-type"].startswith("application/problem+json")
        assert answer.json()["type"] == "urn:tessera:problem:insufficient-scope"
    assert (await client.get("/admin/users")).status_code == 401


async def test_users_are_listed_a_page_at_a_time_without_their_hashes(any_storage_client: Client) -> None:
    client = any_storage_client
    admin = await _admin(client)
    for n in range(3):
        await register(client, f"user{n}@example.com")

    first = await client.get("/admin/users", params={"limit": 2}, headers=bearer(admin))
    assert first.status_code == 200, first.text
    rest = await client.get("/admin/users", params={"offset": first.json()["next_offset"]}, headers=bearer(admin))

    listed = first.json()["users"] + rest.json()["users"]
    assert [u["email"] for u in listed] == [ROOT, "user0@example.com", "user1@example.com", "user2@example.com"]
    assert (first.json()["next_offset"], rest.json()["next_offset"]) == (2, None)
    assert listed[0]["roles"] == ["admin"] and listed[0]["disabled"] is False
    assert "password_hash" not in first.text and "argon2" not in first.text
    for bad in ({"limit": 0}, {"limit": 101}, {"offset": -1}, {"limit": "x"}):
        assert (await client.get("/admin/users", params=bad, headers=bearer(admin))).status_code == 400


async def test_disabling_a_user_ends_their_sessions_and_refuses_login_until_enabled(any_storage_client: Client) -> None:
    client = any_storage_client
    admin = await _admin(client)
    ada_id = (await register(client))["id"]
    ada = await log_in(client)

    disabled = await client.post(f"/admin/users/{ada_id}/disable", headers=bearer(admin))

    assert disabled.status_code == 200, disabled.text
    assert disabled.json()["disabled"] is True
    assert (await client.get("/api/user/profile", headers=bearer(ada))).status_code == 401
    assert (await client.post("/auth/refresh", json={"refresh_token": ada["refresh_token"]})).status_code == 401
    refused = await client.post("/auth/login", json={"email": "ada@example.com", "password": "wrong password!"})
    assert refused.status_code == 401
    locked = await client.post("/auth/login", json={"email": "ada@example.com", "password": PASSWORD})
    assert (locked.status_code, locked.json()["type"]) == (403, "urn:tessera:problem:account-disabled")
    listed = (await client.get("/admin/users", headers=bearer(admin))).json()["users"]
    assert [u["disabled"] for u in listed if u["id"] == ada_id] == [True]

    enabled = await client.post(f"/admin/users/{ada_id}/enable", headers=bearer(admin))
    assert (enabled.status_code, enabled.json()["disabled"]) == (200, False)
    assert (await client.post("/auth/refresh", json={"refresh_token": ada["refresh_token"]})).status_code == 401
    await log_in(client)


async def test_ending_all_sessions_of_a_user_leaves_other_users_alone(client: Client) -> None:
    admin = await _admin(client)
    ada_id = (await register(client))["id"]
    first, second = await log_in(client), await log_in(client)

    ended = await client.delete(f"/admin/users/{ada_id}/sessions", headers=bearer(admin))

    assert (ended.status_code, ended.json()) == (200, {"ended": 2})
    for tokens in (first, second):
        assert (await client.get("/api/user/profile", headers=bearer(tokens))).status_code == 401
    assert (await client.get("/api/user/profile", headers=bearer(admin))).status_code == 200


async def test_an_unknown_or_malformed_user_id_is_404_and_disabling_oneself_is_409(client: Client) -> None:
    admin = await _admin(client)
    root_id = (await client.get("/api/user/profile", headers=bearer(admin))).json()["id"]

    for target in (uuid.uuid4(), "not-a-uuid"):
        for method, action in [("POST", "disable"), ("POST", "enable"), ("DELETE", "sessions")]:
            answer = await client.request(method, f"/admin/users/{target}/{action}", headers=bearer(admin))
            assert answer.status_code == 404, (target, action, answer.text)
    itself = await client.post(f"/admin/users/{root_id}/disable", headers=bearer(admin))
    assert (itself.status_code, itself.json()["type"]) == (409, "urn:tessera:problem:cannot-disable-self")
    assert (await client.get("/api/user/profile", headers=bearer(admin))).status_code == 200


async def test_revoking_the_admin_role_stops_admin_routes_at_once_though_the_token_still_says_admin(
    client: Client,
) -> None:
    admin = await _admin(client)
    ada_id = (await register(client))["id"]

    await _operator(client, RevokeRole, ROOT)

    refused = await client.post(f"/admin/users/{ada_id}/disable", headers=bearer(admin))
    assert refused.status_code == 403
    assert refused.headers["www-authenticate"] == 'Bearer realm="tessera", error="insufficient_scope"'
    renewed = await client.post("/auth/refresh", json={"refresh_token": admin["refresh_token"]})
    session = await client.get("/api/user/session", headers=bearer(renewed.json()))
    assert session.json()["roles"] == []
    assert (await client.get("/admin/users", headers=bearer(renewed.json()))).status_code == 403


async def test_an_imported_user_is_listed_with_the_username_and_the_former_id_the_bridges_look_up(
    any_storage_client: Client,
) -> None:
    client = any_storage_client
    admin = await _admin(client)
    line = json.dumps({"id": str(uuid.uuid4()), "email": "grace@example.com", "username": "Grace.H", "legacy_id": 42})

    async def import_one() -> None:
        async with client.app.state.dishka_container() as request:
            report = await (await request.get(ImportUsers)).execute([line], ImportOptions())
            assert report.created == 1, report

    await anyio.to_thread.run_sync(client.blocking_portal.call, import_one)
    listed = (await client.get("/admin/users", headers=bearer(admin))).json()["users"]

    grace = next(user for user in listed if user["email"] == "grace@example.com")
    assert (grace["username"], grace["legacy_id"]) == ("grace.h", "42")
    root = next(user for user in listed if user["email"] == ROOT)
    assert (root["username"], root["legacy_id"]) == (None, None)
