"""Routes that take a JSON body take nothing else: a cross-site "simple" POST (text/plain, a form, a
multipart body) is 415 before it is parsed, and a JSON body that is not UTF-8 is a 400, never a 500.

The routes are read from the app's route table (legacy bridge on), so a new JSON route is covered too.
"""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.routes import HTTPRoute
from litestar.testing import AsyncTestClient

from entrypoints.http.app import create_app
from entrypoints.http.middleware.json_bodies import takes_json_body
from entrypoints.settings.legacy import LegacyBridgeSettings
from tests.support.cookies import OWN_ORIGIN, assert_problem
from tests.support.flows import Client, bearer, log_in, register
from tests.support.http import PASSWORD, settings_for_tests

pytestmark = [pytest.mark.anyio, pytest.mark.app]
ACCOUNT = b'{"email": "ada@example.com", "password": "' + PASSWORD.encode() + b'"}'
NOT_JSON = [
    "text/plain",
    "text/plain; charset=utf-8",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
    "application/xml",
    "application/jsonx",
    "application/json; charset=latin-1",
]


def bridged_app(tmp_path: Path) -> Litestar:
    bridge = LegacyBridgeSettings(f"file://{tmp_path / 'legacy-sessions'}")
    return create_app(settings_for_tests("memory://", tmp_path, legacy_bridge=bridge))


def json_routes(app: Litestar) -> list[str]:
    return sorted(
        route.path
        for route in app.routes
        if isinstance(route, HTTPRoute)
        for handler in route.route_handlers
        if takes_json_body(handler)
    )


JSON_ROUTES = json_routes(bridged_app(Path("/nonexistent")))
ADMIN_JSON_ROUTES = ["/admin/users/{user_id:str}/claims"]
"""PUT, behind the admin guard: checked on their own below."""
POST_JSON_ROUTES = [path for path in JSON_ROUTES if path not in ADMIN_JSON_ROUTES]


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[Client]:
    """Signed in by a bearer header, which the public routes ignore: a protected route (a password
    change) reaches its body too."""
    async with AsyncTestClient(bridged_app(tmp_path), base_url=OWN_ORIGIN) as test_client:
        await register(test_client, "owner@example.com")
        test_client.headers.update(bearer(await log_in(test_client, "owner@example.com")))
        yield test_client


def test_the_json_routes_are_found_in_the_route_table_and_the_oauth_form_routes_are_not_among_them() -> None:
    assert POST_JSON_ROUTES == [
        "/auth/login",
        "/auth/password",
        "/auth/password-reset",
        "/auth/password-reset/confirm",
        "/auth/refresh",
        "/auth/register",
        "/auth/session/exchange",
    ]
    assert sorted(set(JSON_ROUTES) - set(POST_JSON_ROUTES)) == ADMIN_JSON_ROUTES


@pytest.mark.parametrize("path", POST_JSON_ROUTES)
async def test_a_json_route_answers_415_to_a_body_of_any_other_type(client: Client, path: str) -> None:
    for content_type in NOT_JSON:
        response = await client.post(path, content=ACCOUNT, headers={"Content-Type": content_type})
        assert_problem(response, 415, "unsupported-media-type")


@pytest.mark.parametrize("path", POST_JSON_ROUTES)
async def test_a_body_without_a_content_type_is_415(client: Client, path: str) -> None:
    response = await client.post(path, content=ACCOUNT)
    assert_problem(response, 415, "unsupported-media-type")


async def test_a_text_plain_registration_stores_nothing(client: Client) -> None:
    refused = await client.post("/auth/register", content=ACCOUNT, headers={"Content-Type": "text/plain"})
    assert refused.status_code == 415
    assert (
        await client.post("/auth/login", content=ACCOUNT, headers={"Content-Type": "application/json"})
    ).status_code == 401


@pytest.mark.parametrize(
    "content_type", ["application/json; charset=utf-8", "Application/JSON; charset=UTF-8", "application/vnd.api+json"]
)
async def test_json_with_a_utf8_charset_or_a_json_suffix_is_accepted(client: Client, content_type: str) -> None:
    response = await client.post("/auth/register", content=ACCOUNT, headers={"Content-Type": content_type})
    assert response.status_code == 201, response.text
    assert (await log_in(client))["token_type"] == "Bearer"


@pytest.mark.parametrize("body", [b'{"email": "\xff"}', b"\xfe\xff\x00{", b'{"refresh_token": "\xed\xa0\x80"}'])
@pytest.mark.parametrize("path", POST_JSON_ROUTES)
async def test_a_json_body_that_is_not_utf8_is_a_400_problem(client: Client, path: str, body: bytes) -> None:
    response = await client.post(path, content=body, headers={"Content-Type": "application/json"})
    assert_problem(response, 400, "invalid-request")
