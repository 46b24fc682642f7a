"""A person's sessions as devices over HTTP: listed, ended one at a time, each login independent."""

import uuid
from pathlib import Path

import pytest
from litestar.testing import AsyncTestClient

from entrypoints.http.app import create_app
from tests.support.flows import Client, bearer, log_in, register
from tests.support.http import PASSWORD, settings_for_tests
from tests.support.problems import names_the_parameter

pytestmark = [pytest.mark.anyio, pytest.mark.app]


async def _log_in_as(client: Client, agent: str, email: str = "ada@example.com") -> dict[str, str]:
    response = await client.post(
        "/auth/login", json={"email": email, "password": PASSWORD}, headers={"User-Agent": agent}
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


async def _sessions(client: Client, tokens: dict[str, str]) -> list[dict[str, object]]:
    response = await client.get("/auth/sessions", headers=bearer(tokens))
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    return list(response.json()["sessions"])


async def test_each_login_is_listed_as_a_device_newest_first_with_the_current_one_marked(
    any_storage_client: Client,
) -> None:
    await register(any_storage_client)
    laptop = await _log_in_as(any_storage_client, "Firefox/140 " + "x" * 600)
    phone = await _log_in_as(any_storage_client, "MobileSafari/18")

    listed = await _sessions(any_storage_client, laptop)

    assert [s["user_agent"] for s in listed] == ["MobileSafari/18", ("Firefox/140 " + "x" * 600)[:512]]
    assert [s["current"] for s in listed] == [False, True]
    assert all(s["client_address"] == "testclient" for s in listed)
    assert {s["id"] for s in listed} == {s["id"] for s in await _sessions(any_storage_client, phone)}
    assert set(listed[0]) == {"id", "created_at", "last_used_at", "user_agent", "client_address", "current"}


async def test_ending_one_device_stops_its_tokens_at_once_and_leaves_the_others_working(
    any_storage_client: Client,
) -> None:
    client = any_storage_client
    await register(client)
    laptop, phone, tablet = [await _log_in_as(client, agent) for agent in ("laptop", "phone", "tablet")]
    phone_id = next(s["id"] for s in await _sessions(client, phone) if s["current"])

    ended = await client.delete(f"/auth/sessions/{phone_id}", headers=bearer(laptop))

    assert ended.status_code == 204, ended.text
    assert (await client.get("/api/user/profile", headers=bearer(phone))).status_code == 401
    refused = await client.post("/auth/refresh", json={"refresh_token": phone["refresh_token"]})
    assert refused.status_code == 401
    assert [s["user_agent"] for s in await _sessions(client, laptop)] == ["tablet", "laptop"]
    for other in (laptop, tablet):
        assert (await client.get("/api/user/profile", headers=bearer(other))).status_code == 200
        assert (await client.post("/auth/refresh", json={"refresh_token": other["refresh_token"]})).status_code == 200


async def test_ending_the_current_session_is_a_logout(client: Client) -> None:
    await register(client)
    tokens = await log_in(client)
    (current,) = await _sessions(client, tokens)

    assert (await client.delete(f"/auth/sessions/{current['id']}", headers=bearer(tokens))).status_code == 204

    assert (await client.get("/auth/sessions", headers=bearer(tokens))).status_code == 401


async def test_another_users_session_an_unknown_id_and_a_malformed_one_are_the_same_404(client: Client) -> None:
    await register(client)
    await register(client, "bob@example.com")
    ada, bob = await log_in(client), await log_in(client, "bob@example.com")
    (bobs,) = await _sessions(client, bob)

    answers = [
        await client.delete(f"/auth/sessions/{target}", headers=bearer(ada))
        for target in (bobs["id"], uuid.uuid4(), "not-a-uuid")
    ]

    assert {a.status_code for a in answers} == {404}
    assert len({a.text for a in answers}) == 1
    assert answers[0].headers["content-type"].startswith("application/problem+json")
    assert (await client.get("/api/user/profile", headers=bearer(bob))).status_code == 200


async def test_listing_and_ending_sessions_needs_an_access_token(client: Client) -> None:
    assert (await client.get("/auth/sessions")).status_code == 401
    assert (await client.delete(f"/auth/sessions/{uuid.uuid4()}")).status_code == 401


async def test_ending_a_session_with_the_cookie_transport_needs_the_csrf_header(tmp_path: Path) -> None:
    origin = "https://testserver.local"
    app = create_app(settings_for_tests("memory://", tmp_path))
    async with AsyncTestClient(app, base_url=origin) as browser:
        await register(browser)
        same_origin = {"X-Requested-With": "tessera", "Origin": origin}
        login = {"email": "ada@example.com", "password": PASSWORD, "transport": "cookie"}
        assert (await browser.post("/auth/login", json=login, headers=same_origin)).status_code == 200
        listed = await browser.get("/auth/sessions")
        assert listed.status_code == 200, listed.text
        (current,) = listed.json()["sessions"]

        refused = await browser.delete(f"/auth/sessions/{current['id']}", headers={"Origin": origin})
        assert refused.status_code == 403
        assert (await browser.get("/auth/sessions")).status_code == 200

        assert (await browser.delete(f"/auth/sessions/{current['id']}", headers=same_origin)).status_code == 204
        assert (await browser.get("/auth/sessions")).status_code == 401


async def test_the_device_list_is_read_in_pages_that_say_where_the_next_starts(any_storage_client: Client) -> None:
    """Third review, item 15."""
    client = any_storage_client
    await register(client)
    logins = [await _log_in_as(client, f"device {n}") for n in range(5)]

    pages = []
    for offset in (0, 2, 4):
        response = await client.get("/auth/sessions", params={"limit": 2, "offset": offset}, headers=bearer(logins[0]))
        assert response.status_code == 200, response.text
        pages.append(response.json())

    assert [page["next_offset"] for page in pages] == [2, 4, None]
    agents = [s["user_agent"] for page in pages for s in page["sessions"]]
    assert sorted(agents) == [f"device {n}" for n in range(5)] and len(set(agents)) == 5
    default = (await client.get("/auth/sessions", headers=bearer(logins[0]))).json()
    assert [s["id"] for s in default["sessions"]] == [s["id"] for page in pages for s in page["sessions"]]
    assert default["next_offset"] is None


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 101}, "limit"),
        ({"limit": "x"}, "limit"),
        ({"offset": -1}, "offset"),
        ({"offset": 2**31}, "offset"),
        ({"offset": "later"}, "offset"),
    ],
)
async def test_a_bad_page_parameter_is_a_400_problem_naming_it(
    any_storage_client: Client, params: dict[str, object], named: str
) -> None:
    await register(any_storage_client)
    tokens = await log_in(any_storage_client)

    response = await any_storage_client.get("/auth/sessions", params=params, headers=bearer(tokens))  # type: ignore[arg-type]

    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert names_the_parameter(response.json()["detail"], named)
