"""A 400 for a body or a parameter that fails validation names the field, on every route: in `detail`
and in RFC 9457's `invalid_params` (`name`, `in`, `reason`). The JSON routes are read from the route table."""

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from tests.browser.test_json_bodies import ADMIN_JSON_ROUTES, JSON_ROUTES, POST_JSON_ROUTES, bridged_app
from tests.support.cookies import OWN_ORIGIN, assert_problem
from tests.support.flows import Client, bearer, log_in, register
from tests.support.oauth import CLIENT, basic
from tests.users.test_admin import _admin

pytestmark = [pytest.mark.anyio, pytest.mark.app]


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[Client]:
    async with AsyncTestClient(bridged_app(tmp_path), base_url=OWN_ORIGIN) as test_client:
        await register(test_client, "owner@example.com")
        test_client.headers.update(bearer(await log_in(test_client, "owner@example.com")))
        yield test_client


def _named(response: Any) -> list[tuple[str, str]]:
    assert_problem(response, 400, "invalid-request")
    body = response.json()
    params = body["invalid_params"]
    assert all(param["reason"] and param["reason"] in body["detail"] for param in params), body
    return [(param["name"], param["in"]) for param in params]


def test_the_walk_covers_every_json_route_of_the_route_table() -> None:
    assert sorted([*POST_JSON_ROUTES, *ADMIN_JSON_ROUTES]) == JSON_ROUTES and len(JSON_ROUTES) >= 8


@pytest.mark.parametrize("path", POST_JSON_ROUTES)
async def test_an_unknown_field_on_any_json_route_is_named(client: Client, path: str) -> None:
    response = await client.post(path, json={"zz_not_a_field": 1})
    assert ("zz_not_a_field", "body") in _named(response)
    assert "zz_not_a_field" in response.json()["detail"]


@pytest.mark.parametrize("path", POST_JSON_ROUTES)
async def test_a_body_that_is_no_object_on_any_json_route_is_named_as_the_whole_body(client: Client, path: str) -> None:
    assert _named(await client.post(path, json=[1, 2])) == [("$", "body")]


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/auth/login", {"username": "x", "password": "y"}, "username"),  # usernames not accepted here
        ("/auth/login", {"email": 5, "password": "y"}, "email"),
        ("/auth/login", {"email": "ada@example.com"}, "password"),
        ("/auth/login", {"email": "ada@example.com", "password": "x", "remember": "yes"}, "remember"),
        ("/auth/register", {"email": "ada@example.com", "password": "x" * 8, "display_name": 7}, "display_name"),
        ("/auth/refresh", {"refresh_token": 1}, "refresh_token"),
        ("/auth/refresh", {"refresh_token": "x", "transport": "pigeon"}, "transport"),
        ("/auth/password-reset", {}, "email"),
    ],
)
async def test_the_offending_field_is_named(client: Client, path: str, body: dict[str, Any], field: str) -> None:
    assert _named(await client.post(path, json=body)) == [(field, "body")]


async def test_a_bad_query_parameter_and_a_bad_admin_body_are_named(client: Client) -> None:
    admin = bearer(await _admin(client))
    for query in ("limit=abc", "limit=0", "offset=-1"):
        response = await client.get(f"/admin/users?{query}", headers=admin)
        assert _named(response) == [(query.partition("=")[0], "query")], query
    owner = (await client.get("/api/user/profile")).json()["id"]
    assert _named(await client.put(f"/admin/users/{owner}/claims", json=[1], headers=admin)) == [("$", "body")]


async def test_a_form_route_missing_its_field_names_it(tmp_path: Path) -> None:
    from entrypoints.http.app import create_app
    from tests.support.http import settings_for_tests

    app = create_app(settings_for_tests("memory://", tmp_path, oauth_clients=(CLIENT,)))
    async with AsyncTestClient(app) as oauth:
        response = await oauth.post("/oauth/introspect", data={"token_type_hint": "access_token"}, headers=basic())
    assert ("token", "body") in _named(response)


@pytest.mark.parametrize(
    ("path", "body", "field", "slug"),
    [
        ("/auth/register", {"email": "not-an-email", "password": "x" * 8}, "email", "invalid-email"),
        (
            "/auth/register",
            {"email": "ada@example.com", "password": "x" * 8, "display_name": " "},
            "display_name",
            "invalid-display-name",
        ),
        (
            "/auth/password-reset/confirm",
            {"token": "unknown", "new_password": "x" * 8},
            "token",
            "invalid-password-reset-token",
        ),
        ("/auth/refresh", {"transport": "bearer"}, "refresh_token", "invalid-request"),
        ("/auth/session/exchange", {"transport": "bearer"}, "legacy_session_id", "invalid-request"),
    ],
)
async def test_a_rule_of_the_service_refusing_one_field_names_it_too(
    client: Client, path: str, body: dict[str, Any], field: str, slug: str
) -> None:
    response = await client.post(path, json=body)
    assert_problem(response, 400, slug)
    assert [param["name"] for param in response.json()["invalid_params"]] == [field]


async def test_the_openapi_schema_documents_invalid_params_in_every_problem(client: Client) -> None:
    schemas = (await client.get("/schema/openapi.json")).json()["components"]["schemas"]
    problem = schemas["ProblemDetails"]["properties"]
    assert "invalid_params" in problem
    assert set(schemas["InvalidParam"]["properties"]) == {"name", "in", "reason"}


async def test_a_refused_value_is_never_echoed_back(client: Client) -> None:
    response = await client.post("/auth/refresh", json={"refresh_token": "x", "transport": "secret-value-42"})
    assert _named(response) == [("transport", "body")]
    assert "secret-value-42" not in response.text
