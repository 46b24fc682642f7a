"""/schema: the OpenAPI document by default and nothing that runs script on tessera's origin; the one
HTML page only when TESSERA_SCHEMA_PAGES=true, its script pinned, hash-checked and fenced by a CSP."""

import re

import pytest

from entrypoints.http.openapi.pages import REDOC_INTEGRITY, REDOC_URL
from entrypoints.settings.reader import settings_from_env
from tests.support.app_clients import ClientFactory
from tests.support.flows import Client

pytestmark = [pytest.mark.anyio, pytest.mark.app]
LITESTARS_PAGES = ["/schema/redoc", "/schema/swagger", "/schema/elements", "/schema/rapidoc", "/schema/stoplight"]
OTHER_PATHS = ["/schema/scalar", "/schema/oauth2-redirect.html", "/schema/anything"]


async def test_by_default_the_schema_document_is_served_and_no_page(browser: Client) -> None:
    document = await browser.get("/schema/openapi.json")
    assert document.status_code == 200 and "/auth/login" in document.json()["paths"]
    assert (await browser.get("/schema")).json() == document.json()
    assert (await browser.get("/schema/openapi.yaml")).status_code == 200
    assert document.headers["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'"
    for path in LITESTARS_PAGES + OTHER_PATHS:
        response = await browser.get(path)
        assert response.status_code == 404, path
        assert response.headers["content-type"].startswith("application/problem+json"), path
        assert "<script" not in response.text


async def test_the_opt_in_page_loads_one_pinned_hash_checked_script_under_a_policy_that_allows_only_it(
    start_browser_client: ClientFactory,
) -> None:
    async with start_browser_client(schema_pages=True) as client:
        page = await client.get("/schema/redoc")
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        scripts = re.findall(r"<script[^>]*>", page.text)
        assert scripts == [f'<script src="{REDOC_URL}" integrity="{REDOC_INTEGRITY}" crossorigin="anonymous">']
        assert re.fullmatch(
            r"https://cdn\.jsdelivr\.net/npm/redoc@\d+\.\d+\.\d+/bundles/redoc\.standalone\.js", REDOC_URL
        )
        assert '<redoc spec-url="/schema/openapi.json">' in page.text
        policy = dict(part.strip().split(" ", 1) for part in page.headers["content-security-policy"].split(";"))
        assert policy["script-src"] == REDOC_URL
        assert policy["default-src"] == "'none'" and policy["frame-ancestors"] == "'none'"
        assert "unsafe-eval" not in page.headers["content-security-policy"]
        assert (await client.get("/schema/openapi.json")).status_code == 200
        for path in LITESTARS_PAGES[1:]:
            assert (await client.get(path)).status_code == 404


def test_the_pages_are_off_unless_switched_on() -> None:
    assert settings_from_env({}).schema_pages is False
    assert settings_from_env({"TESSERA_SCHEMA_PAGES": "true"}).schema_pages is True
