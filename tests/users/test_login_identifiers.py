"""POST /auth/login by email as always, and by username or `identifier` where TESSERA_LOGIN_IDENTIFIERS
lets it; every refusal of the body names its field; the OpenAPI schema says so."""

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from dishka import AsyncContainer
from litestar.testing import AsyncTestClient

from application.use_cases.import_users import ImportOptions, ImportUsers
from domain.login_identifiers import LoginIdentifiers
from entrypoints.http.app import create_app
from tests.support.cookies import assert_problem
from tests.support.flows import Client, register
from tests.support.http import PASSWORD, settings_for_tests
from tests.support.stored import in_app

pytestmark = [pytest.mark.anyio, pytest.mark.app]


@pytest.fixture(params=["memory", "sqlite"])
async def client(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Client]:
    """A service that accepts usernames, with ada@example.com registered and given the username Ada.L."""
    url = "memory://" if request.param == "memory" else request.getfixturevalue("sqlite_url")
    settings = settings_for_tests(url, tmp_path, login_identifiers=LoginIdentifiers.parse("email,username"))
    async with AsyncTestClient(create_app(settings)) as test_client:
        ada = await register(test_client, "ada@example.com")
        await _import(test_client, {"id": ada["id"], "email": "ada@example.com", "username": "Ada.L"})
        yield test_client


async def _import(client: Client, line: dict[str, object]) -> None:
    async def run(container: AsyncContainer) -> None:
        report = await (await container.get(ImportUsers)).execute([json.dumps(line)], ImportOptions(update=True))
        assert (report.updated, report.refused) == (1, [])

    await in_app(client, run)


async def _login(client: Client, **body: Any) -> Any:
    return await client.post("/auth/login", json={"password": PASSWORD, **body})


@pytest.mark.parametrize(
    "body",
    [{"email": "ada@example.com"}, {"username": "ADA.l"}, {"identifier": "ada.l"}, {"identifier": "Ada@Example.com"}],
)
async def test_the_account_logs_in_by_any_accepted_name(client: Client, body: dict[str, str]) -> None:
    response = await _login(client, **body)
    assert response.status_code == 200, response.text
    profile = await client.get(
        "/api/user/profile", headers={"Authorization": f"Bearer {response.json()['access_token']}"}
    )
    assert profile.json()["email"] == "ada@example.com"


async def test_an_unknown_username_and_a_wrong_password_get_the_same_answer(client: Client) -> None:
    unknown = await _login(client, username="nobody")
    wrong = await client.post("/auth/login", json={"username": "ada.l", "password": "wrong password"})
    assert (unknown.status_code, unknown.json()) == (wrong.status_code, wrong.json())
    assert unknown.status_code == 401


@pytest.mark.parametrize(
    ("body", "field"),
    [({}, "email"), ({"email": "ada@example.com", "username": "ada.l"}, "username"), ({"username": 7}, "username")],
)
async def test_a_login_naming_no_account_or_two_is_a_400_naming_the_field(
    client: Client, body: dict[str, Any], field: str
) -> None:
    response = await _login(client, **body)
    assert_problem(response, 400, "invalid-request")
    assert [param["name"] for param in response.json()["invalid_params"]] == [field]


async def test_by_default_a_username_login_is_a_400_naming_the_field_and_email_logins_are_unchanged(
    tmp_path: Path,
) -> None:
    async with AsyncTestClient(create_app(settings_for_tests("memory://", tmp_path))) as client:
        await register(client, "ada@example.com")
        refused = await _login(client, username="ada")
        assert_problem(refused, 400, "invalid-request")
        assert refused.json()["invalid_params"] == [
            {
                "name": "username",
                "in": "body",
                "reason": "This service does not log in by username (it accepts: email).",
            }
        ]
        assert (await _login(client, email="ada@example.com")).status_code == 200
        assert (await _login(client, identifier="ada@example.com")).status_code == 200
        schema = (await client.get("/schema/openapi.json")).json()
    login = schema["components"]["schemas"]["LoginRequest"]
    assert "username" not in login["properties"], "the schema offers only what this service accepts"
    assert login["oneOf"] == [{"required": ["email"]}, {"required": ["identifier"]}]


async def test_the_openapi_schema_offers_username_and_identifier_logins_where_usernames_are_accepted(
    client: Client,
) -> None:
    login = (await client.get("/schema/openapi.json")).json()["components"]["schemas"]["LoginRequest"]
    assert {"email", "username", "identifier", "password"} <= set(login["properties"])
    assert login["required"] == ["password"]
    assert login["oneOf"] == [{"required": ["email"]}, {"required": ["username"]}, {"required": ["identifier"]}]
