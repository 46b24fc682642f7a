"""OpenAPI documents the cookie transport beside the bearer token."""

from typing import Any

import pytest

from tests.support.app_clients import ClientFactory
from tests.support.cookies import (
    ACCESS,
    REFRESH,
)
from tests.support.flows import Client

pytestmark = [pytest.mark.anyio, pytest.mark.app]


async def test_openapi_documents_the_cookie_transport(browser: Client) -> None:
    schema: dict[str, Any] = (await browser.get("/schema/openapi.json")).json()
    assert schema["components"]["securitySchemes"]["AccessCookie"] == {
        "type": "apiKey",
        "name": ACCESS,
        "in": "cookie",
        "description": schema["components"]["securitySchemes"]["AccessCookie"]["description"],
    }
    for path, method in [("/api/user/profile", "get"), ("/auth/logout", "post"), ("/auth/logout-all", "post")]:
        assert schema["paths"][path][method]["security"] == [{"BearerToken": []}, {"AccessCookie": []}]
    documented = {
        ("/auth/login", "post"): {"400", "401", "403"},
        ("/auth/refresh", "post"): {"400", "401", "403"},
        ("/auth/logout", "post"): {"400", "401", "403"},
        ("/auth/logout-all", "post"): {"400", "401", "403"},
        ("/api/user/profile", "get"): {"400", "401"},
    }
    for (path, method), statuses in documented.items():
        responses = schema["paths"][path][method]["responses"]
        for status in statuses:
            assert "application/problem+json" in responses[status]["content"], (path, status)
    login = schema["paths"]["/auth/login"]["post"]
    answers = login["responses"]["200"]["content"]["application/json"]["schema"]["oneOf"]
    assert {answer["$ref"].rsplit("/", 1)[1] for answer in answers} == {"TokenResponse", "CookieSessionResponse"}
    assert "Set-Cookie" in login["responses"]["200"]["headers"]
    assert schema["components"]["schemas"]["LoginRequest"]["properties"]["transport"]["enum"] == ["bearer", "cookie"]
    refresh_parameters = schema["paths"]["/auth/refresh"]["post"]["parameters"]
    assert {"name": REFRESH, "in": "cookie"}.items() <= refresh_parameters[0].items()
    assert not [path for path in schema["paths"] if path.startswith("/demo")]


async def test_the_openapi_schema_documents_the_configured_samesite(start_browser_client: ClientFactory) -> None:
    async with start_browser_client(cookie_same_site="lax") as client:
        schema: dict[str, Any] = (await client.get("/schema/openapi.json")).json()
    for path in ("/auth/login", "/auth/refresh"):
        documented = schema["paths"][path]["post"]["responses"]["200"]["headers"]["Set-Cookie"]["schema"]["allOf"]
        assert len(documented) == 3
        assert all("; SameSite=lax;" in cookie["example"] for cookie in documented), path
