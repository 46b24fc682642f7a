"""The whole life of a token pair over HTTP, on every storage adapter."""

import asyncio

import pytest

from tests.support.flows import Client, bearer, log_in, register

pytestmark = [pytest.mark.anyio, pytest.mark.app]


async def test_register_login_profile_refresh_and_logout(any_storage_client: Client) -> None:
    client = any_storage_client
    user = await register(client)
    tokens = await log_in(client)

    profile = await client.get("/api/user/profile", headers=bearer(tokens))
    assert profile.status_code == 200
    assert profile.json() == {**user, "roles": [], "claims": {}}

    refreshed = await client.post("/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert refreshed.status_code == 200
    rotated = refreshed.json()
    assert rotated["refresh_token"] != tokens["refresh_token"]
    assert (await client.get("/api/user/profile", headers=bearer(rotated))).status_code == 200

    assert (await client.post("/auth/logout", headers=bearer(rotated))).status_code == 204
    assert (await client.get("/api/user/profile", headers=bearer(rotated))).status_code == 401
    assert (await client.get("/api/user/profile", headers=bearer(tokens))).status_code == 401
    after_logout = await client.post("/auth/refresh", json={"refresh_token": rotated["refresh_token"]})
    assert after_logout.status_code == 401


async def test_reusing_a_rotated_refresh_token_revokes_the_whole_session(any_storage_client: Client) -> None:
    client = any_storage_client
    await register(client)
    stolen = await log_in(client)
    first = (await client.post("/auth/refresh", json={"refresh_token": stolen["refresh_token"]})).json()
    legitimate = (await client.post("/auth/refresh", json={"refresh_token": first["refresh_token"]})).json()

    replay = await client.post("/auth/refresh", json={"refresh_token": stolen["refresh_token"]})

    assert replay.status_code == 401
    assert replay.headers["www-authenticate"] == 'Bearer realm="tessera", error="invalid_token"'
    newest = await client.post("/auth/refresh", json={"refresh_token": legitimate["refresh_token"]})
    assert newest.status_code == 401
    assert (await client.get("/api/user/profile", headers=bearer(legitimate))).status_code == 401
    assert (await client.get("/api/user/profile", headers=bearer(stolen))).status_code == 401


async def test_reuse_in_one_session_leaves_the_users_other_sessions_working(any_storage_client: Client) -> None:
    client = any_storage_client
    await register(client)
    phone, laptop = await log_in(client), await log_in(client)
    successor = (await client.post("/auth/refresh", json={"refresh_token": phone["refresh_token"]})).json()
    await client.post("/auth/refresh", json={"refresh_token": successor["refresh_token"]})

    assert (await client.post("/auth/refresh", json={"refresh_token": phone["refresh_token"]})).status_code == 401

    assert (await client.get("/api/user/profile", headers=bearer(laptop))).status_code == 200
    assert (await client.post("/auth/refresh", json={"refresh_token": laptop["refresh_token"]})).status_code == 200


async def test_logout_everywhere_ends_every_session_of_the_user_and_no_one_elses(any_storage_client: Client) -> None:
    client = any_storage_client
    await register(client, "ada@example.com")
    await register(client, "grace@example.com")
    phone, laptop = await log_in(client, "ada@example.com"), await log_in(client, "ada@example.com")
    grace = await log_in(client, "grace@example.com")

    assert (await client.post("/auth/logout-all", headers=bearer(phone))).status_code == 204

    for tokens in (phone, laptop):
        assert (await client.get("/api/user/profile", headers=bearer(tokens))).status_code == 401
        assert (await client.post("/auth/refresh", json={"refresh_token": tokens["refresh_token"]})).status_code == 401
    assert (await client.get("/api/user/profile", headers=bearer(grace))).status_code == 200
    assert (await client.post("/auth/refresh", json={"refresh_token": grace["refresh_token"]})).status_code == 200


async def test_logout_ends_only_the_calling_session(any_storage_client: Client) -> None:
    client = any_storage_client
    await register(client)
    phone, laptop = await log_in(client), await log_in(client)

    assert (await client.post("/auth/logout", headers=bearer(phone))).status_code == 204

    assert (await client.get("/api/user/profile", headers=bearer(phone))).status_code == 401
    assert (await client.get("/api/user/profile", headers=bearer(laptop))).status_code == 200


async def test_a_retried_refresh_receives_the_same_successor_and_the_chain_does_not_fork(
    any_storage_client: Client,
) -> None:
    client = any_storage_client
    await register(client)
    tokens = await log_in(client)
    lost = await client.post("/auth/refresh", json={"refresh_token": tokens["refresh_token"]})

    retry = await client.post("/auth/refresh", json={"refresh_token": tokens["refresh_token"]})

    assert retry.status_code == 200
    assert retry.json()["refresh_token"] == lost.json()["refresh_token"]
    assert (await client.get("/api/user/profile", headers=bearer(retry.json()))).status_code == 200
    onward = await client.post("/auth/refresh", json={"refresh_token": retry.json()["refresh_token"]})
    assert onward.status_code == 200
    # The successor is used now: the first token is no longer its immediate predecessor's retry.
    late = await client.post("/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert late.status_code == 401
    assert (await client.get("/api/user/profile", headers=bearer(onward.json()))).status_code == 401


async def test_twenty_concurrent_refreshes_with_one_token_all_get_the_same_successor(
    any_storage_client: Client,
) -> None:
    client = any_storage_client
    await register(client)
    tokens = await log_in(client)

    answers = await asyncio.gather(
        *(client.post("/auth/refresh", json={"refresh_token": tokens["refresh_token"]}) for _ in range(20))
    )

    assert {answer.status_code for answer in answers} == {200}
    assert len({answer.json()["refresh_token"] for answer in answers}) == 1
    session_alive = await client.post("/auth/refresh", json={"refresh_token": answers[0].json()["refresh_token"]})
    assert session_alive.status_code == 200
