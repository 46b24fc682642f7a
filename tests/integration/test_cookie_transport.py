"""The cookie transport for browsers: HttpOnly session cookies, the CSRF rule, CORS, and its configuration.

The client speaks https (httpx keeps `Secure` cookies for https only), so tessera's own origin
here is https://testserver.local.
"""

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from litestar.testing import AsyncTestClient

from entrypoints.config import Settings
from entrypoints.environment import ConfigError
from entrypoints.http.app import create_app
from tests.integration.flows import Client, bearer, log_in, register
from tests.support.http import PASSWORD, settings_for_tests

pytestmark = pytest.mark.anyio

OWN_ORIGIN = "https://testserver.local"
APP_ORIGIN = "https://app.example.com"
ACCESS = "__Host-tessera-access"
REFRESH = "__Secure-tessera-refresh"
SAME_ORIGIN = {"X-Requested-With": "tessera", "Origin": OWN_ORIGIN}
ClientFactory = Callable[..., AbstractAsyncContextManager[Client]]


@pytest.fixture
def start_browser_client(tmp_path: Path) -> ClientFactory:
    @asynccontextmanager
    async def start(**settings: object) -> AsyncIterator[Client]:
        app = create_app(settings_for_tests("memory://", tmp_path, **settings))
        async with AsyncTestClient(app, base_url=OWN_ORIGIN) as client:
            yield client

    return start


@pytest.fixture
async def browser(start_browser_client: ClientFactory) -> AsyncIterator[Client]:
    async with start_browser_client() as client:
        yield client


def set_cookies(response: httpx.Response) -> list[dict[str, str]]:
    """Each Set-Cookie header as {"name", "value", attribute (lower case): value ("" for a flag)}."""
    parsed = []
    for header in response.headers.get_list("set-cookie"):
        pair, *attributes = (part.strip() for part in header.split(";"))
        name, _, value = pair.partition("=")
        cookie = {"name": name, "value": value}
        for attribute in attributes:
            key, _, attribute_value = attribute.partition("=")
            cookie[key.lower()] = attribute_value
        parsed.append(cookie)
    return parsed


def cookie_values(response: httpx.Response) -> dict[tuple[str, str], str]:
    return {(cookie["name"], cookie["path"]): cookie["value"] for cookie in set_cookies(response)}


def cookie_header(**values: str) -> dict[str, str]:
    return {"Cookie": "; ".join(f"{name}={value}" for name, value in values.items())}


def access(value: str) -> dict[str, str]:
    return cookie_header(**{ACCESS: value})


def refresh_cookie(value: str) -> dict[str, str]:
    return cookie_header(**{REFRESH: value})


async def cookie_login(client: Client, email: str = "ada@example.com") -> httpx.Response:
    response = await client.post(
        "/auth/login", json={"email": email, "password": PASSWORD, "transport": "cookie"}, headers=SAME_ORIGIN
    )
    assert response.status_code == 200, response.text
    return response


async def signed_in(client: Client, email: str = "ada@example.com") -> dict[str, str]:
    """Registers and logs in with cookies; returns the cookie values, the client's jar emptied."""
    await register(client, email)
    response = await cookie_login(client, email)
    client.cookies.clear()
    values = cookie_values(response)
    return {"access": values[(ACCESS, "/")], "refresh": values[(REFRESH, "/auth/refresh")]}


def assert_problem(response: httpx.Response, status: int, slug: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["type"] == f"urn:tessera:problem:{slug}"


# Login and the cookies


async def test_a_cookie_login_sets_both_cookies_with_exact_attributes_and_no_token_in_the_body(browser: Client) -> None:
    await register(browser)
    response = await cookie_login(browser)

    assert response.json() == {"transport": "cookie", "expires_in": 900, "refresh_expires_in": 14 * 24 * 3600}
    assert "no-store" in response.headers["cache-control"]
    cookies = set_cookies(response)
    assert [(cookie["name"], cookie["path"]) for cookie in cookies] == [
        (ACCESS, "/"),
        (REFRESH, "/auth/refresh"),
        (REFRESH, "/auth/logout"),
    ]
    for cookie in cookies:
        assert "httponly" in cookie and "secure" in cookie and "domain" not in cookie
        assert cookie["samesite"].lower() == "strict"
        assert cookie["value"] not in response.text
    assert cookies[0]["max-age"] == "900"
    assert cookies[1]["max-age"] == cookies[2]["max-age"] == str(14 * 24 * 3600)
    assert cookies[1]["value"] == cookies[2]["value"]


async def test_a_bearer_login_sets_no_cookie_and_answers_as_before(browser: Client) -> None:
    await register(browser)
    response = await browser.post("/auth/login", json={"email": "ada@example.com", "password": PASSWORD})
    assert response.headers.get_list("set-cookie") == []
    assert set(response.json()) == {"access_token", "token_type", "expires_in", "refresh_token", "refresh_expires_in"}


async def test_samesite_follows_the_configuration(start_browser_client: ClientFactory) -> None:
    async with start_browser_client(cookie_same_site="lax") as client:
        await register(client)
        response = await cookie_login(client)
    assert {cookie["samesite"].lower() for cookie in set_cookies(response)} == {"lax"}


async def test_the_openapi_schema_documents_the_configured_samesite(start_browser_client: ClientFactory) -> None:
    async with start_browser_client(cookie_same_site="lax") as client:
        schema: dict[str, Any] = (await client.get("/schema/openapi.json")).json()
    for path in ("/auth/login", "/auth/refresh"):
        documented = schema["paths"][path]["post"]["responses"]["200"]["headers"]["Set-Cookie"]["schema"]["allOf"]
        assert len(documented) == 3
        assert all("; SameSite=lax;" in cookie["example"] for cookie in documented), path


async def test_an_unknown_transport_is_a_400(browser: Client) -> None:
    await register(browser)
    response = await browser.post(
        "/auth/login",
        json={"email": "ada@example.com", "password": PASSWORD, "transport": "query"},
        headers=SAME_ORIGIN,
    )
    assert_problem(response, 400, "invalid-request")


async def test_the_profile_is_served_by_the_access_cookie_alone(browser: Client) -> None:
    user = await register(browser)
    await cookie_login(browser)

    response = await browser.get("/api/user/profile")

    assert response.status_code == 200, response.text
    assert response.json()["id"] == user["id"]


async def test_an_oversized_access_cookie_is_refused_before_any_parsing(browser: Client) -> None:
    response = await browser.get("/api/user/profile", headers=access("a" * 5000))
    assert_problem(response, 401, "invalid-token")


async def test_a_garbage_access_cookie_is_401_invalid_token(browser: Client) -> None:
    response = await browser.get("/api/user/profile", headers=access("not.a.jwt"))
    assert_problem(response, 401, "invalid-token")
    assert response.headers["www-authenticate"] == 'Bearer realm="tessera", error="invalid_token"'


async def test_an_access_token_in_the_query_string_is_still_ignored(browser: Client) -> None:
    tokens = await signed_in(browser)
    response = await browser.get(f"/api/user/profile?{ACCESS}={tokens['access']}&access_token={tokens['access']}")
    assert_problem(response, 401, "missing-token")


# Refresh by the cookie


async def test_refresh_by_the_cookie_rotates_both_cookies_and_answers_no_token(browser: Client) -> None:
    tokens = await signed_in(browser)

    response = await browser.post(
        "/auth/refresh", json={}, headers={**SAME_ORIGIN, **refresh_cookie(tokens["refresh"])}
    )

    assert response.status_code == 200, response.text
    assert response.json() == {"transport": "cookie", "expires_in": 900, "refresh_expires_in": 14 * 24 * 3600}
    assert "no-store" in response.headers["cache-control"]
    rotated = cookie_values(response)
    assert set(rotated) == {(ACCESS, "/"), (REFRESH, "/auth/refresh"), (REFRESH, "/auth/logout")}
    assert rotated[(ACCESS, "/")] != tokens["access"]
    assert rotated[(REFRESH, "/auth/refresh")] == rotated[(REFRESH, "/auth/logout")] != tokens["refresh"]
    assert (await browser.get("/api/user/profile", headers=access(rotated[(ACCESS, "/")]))).status_code == 200


async def test_the_cookie_jar_of_a_browser_refreshes_with_a_body_naming_the_transport_only(browser: Client) -> None:
    await register(browser)
    await cookie_login(browser)
    response = await browser.post("/auth/refresh", json={"transport": "cookie"}, headers=SAME_ORIGIN)
    assert response.status_code == 200, response.text
    assert (await browser.get("/api/user/profile")).status_code == 200


async def test_a_spent_refresh_cookie_within_the_grace_window_gets_the_same_successor(browser: Client) -> None:
    tokens = await signed_in(browser)
    presented = {**SAME_ORIGIN, **refresh_cookie(tokens["refresh"])}

    first = await browser.post("/auth/refresh", json={}, headers=presented)
    retry = await browser.post("/auth/refresh", json={}, headers=presented)

    assert retry.status_code == 200, retry.text
    successor = cookie_values(first)[(REFRESH, "/auth/refresh")]
    assert cookie_values(retry)[(REFRESH, "/auth/refresh")] == successor


async def test_a_spent_refresh_cookie_outside_the_grace_window_revokes_the_session(
    start_browser_client: ClientFactory,
) -> None:
    async with start_browser_client(refresh_grace=timedelta(0)) as client:
        tokens = await signed_in(client)
        presented = {**SAME_ORIGIN, **refresh_cookie(tokens["refresh"])}
        rotated = cookie_values(await client.post("/auth/refresh", json={}, headers=presented))

        reuse = await client.post("/auth/refresh", json={}, headers=presented)

        assert_problem(reuse, 401, "invalid-refresh-token")
        assert (await client.get("/api/user/profile", headers=access(rotated[(ACCESS, "/")]))).status_code == 401
        successor = refresh_cookie(rotated[(REFRESH, "/auth/refresh")])
        assert (await client.post("/auth/refresh", json={}, headers={**SAME_ORIGIN, **successor})).status_code == 401


async def test_a_refresh_token_from_the_cookie_is_never_answered_in_the_body(browser: Client) -> None:
    tokens = await signed_in(browser)
    response = await browser.post(
        "/auth/refresh", json={"transport": "bearer"}, headers={**SAME_ORIGIN, **refresh_cookie(tokens["refresh"])}
    )
    assert_problem(response, 400, "invalid-request")
    assert tokens["refresh"] not in response.text


async def test_a_refresh_without_a_body_token_or_a_cookie_is_401(browser: Client) -> None:
    assert_problem(await browser.post("/auth/refresh", json={}, headers=SAME_ORIGIN), 401, "invalid-refresh-token")


async def test_a_body_refresh_token_can_be_answered_in_cookies(browser: Client) -> None:
    await register(browser)
    tokens = await log_in(browser)
    response = await browser.post(
        "/auth/refresh", json={"refresh_token": tokens["refresh_token"], "transport": "cookie"}, headers=SAME_ORIGIN
    )
    assert response.status_code == 200, response.text
    assert "refresh_token" not in response.json()
    assert (ACCESS, "/") in cookie_values(response)


# The CSRF rule


async def test_a_cookie_authenticated_post_without_the_custom_header_is_403(browser: Client) -> None:
    tokens = await signed_in(browser)

    response = await browser.post("/auth/logout", headers={"Origin": OWN_ORIGIN, **access(tokens["access"])})

    assert_problem(response, 403, "csrf")
    assert "www-authenticate" not in response.headers
    assert (await browser.get("/api/user/profile", headers=access(tokens["access"]))).status_code == 200


async def test_a_custom_header_with_another_value_is_403(browser: Client) -> None:
    tokens = await signed_in(browser)
    headers = {"X-Requested-With": "XMLHttpRequest", "Origin": OWN_ORIGIN, **access(tokens["access"])}
    assert_problem(await browser.post("/auth/logout", headers=headers), 403, "csrf")


@pytest.mark.parametrize(
    "origin", ["https://evil.example", "http://testserver.local", "https://testserver.local:8443", "null"]
)
async def test_a_cookie_authenticated_post_from_a_foreign_origin_is_403(browser: Client, origin: str) -> None:
    tokens = await signed_in(browser)
    headers = {"X-Requested-With": "tessera", "Origin": origin, **access(tokens["access"])}
    assert_problem(await browser.post("/auth/logout-all", headers=headers), 403, "csrf")


async def test_a_cookie_authenticated_post_with_neither_origin_nor_referer_is_403(browser: Client) -> None:
    tokens = await signed_in(browser)
    headers = {"X-Requested-With": "tessera", **access(tokens["access"])}
    assert_problem(await browser.post("/auth/logout", headers=headers), 403, "csrf")


async def test_without_origin_the_referers_origin_is_checked(browser: Client) -> None:
    tokens = await signed_in(browser)
    foreign = {"X-Requested-With": "tessera", "Referer": "https://evil.example/demo", **access(tokens["access"])}
    own = {"X-Requested-With": "tessera", "Referer": f"{OWN_ORIGIN}/demo?x=1", **access(tokens["access"])}

    assert_problem(await browser.post("/auth/logout", headers=foreign), 403, "csrf")
    assert (await browser.post("/auth/logout", headers=own)).status_code == 204


async def test_a_configured_origin_may_post_with_the_cookies(start_browser_client: ClientFactory) -> None:
    async with start_browser_client(allowed_origins=(APP_ORIGIN,)) as client:
        tokens = await signed_in(client)
        headers = {"X-Requested-With": "tessera", "Origin": APP_ORIGIN, **access(tokens["access"])}

        response = await client.post("/auth/logout", headers=headers)

        assert response.status_code == 204, response.text
        assert response.headers["access-control-allow-origin"] == APP_ORIGIN


async def test_refresh_by_the_cookie_needs_the_custom_header_and_origin(browser: Client) -> None:
    tokens = await signed_in(browser)
    no_header = {"Origin": OWN_ORIGIN, **refresh_cookie(tokens["refresh"])}
    foreign = {"X-Requested-With": "tessera", "Origin": "https://evil.example", **refresh_cookie(tokens["refresh"])}

    assert_problem(await browser.post("/auth/refresh", json={}, headers=no_header), 403, "csrf")
    assert_problem(await browser.post("/auth/refresh", json={}, headers=foreign), 403, "csrf")
    # Neither refused attempt spent the token.
    assert (
        await browser.post("/auth/refresh", json={}, headers={**SAME_ORIGIN, **refresh_cookie(tokens["refresh"])})
    ).status_code == 200


async def test_a_cookie_login_needs_the_custom_header_so_no_page_can_log_a_browser_in(browser: Client) -> None:
    await register(browser)
    body = {"email": "ada@example.com", "password": PASSWORD, "transport": "cookie"}
    response = await browser.post("/auth/login", json=body, headers={"Origin": "https://evil.example"})
    assert_problem(response, 403, "csrf")
    assert response.headers.get_list("set-cookie") == []


async def test_safe_methods_need_no_csrf_proof(browser: Client) -> None:
    tokens = await signed_in(browser)
    response = await browser.get(
        "/api/user/profile", headers={"Origin": "https://evil.example", **access(tokens["access"])}
    )
    assert response.status_code == 200
    assert "access-control-allow-origin" not in response.headers


async def test_bearer_posts_are_never_subject_to_the_csrf_rule(browser: Client) -> None:
    await register(browser)
    tokens = await log_in(browser)
    response = await browser.post("/auth/logout", headers={"Origin": "https://evil.example", **bearer(tokens)})
    assert response.status_code == 204, response.text
    refreshed = await browser.post("/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert_problem(refreshed, 401, "invalid-refresh-token")


# Logout


async def test_logout_clears_all_three_cookie_slots_and_the_old_access_cookie_is_refused(browser: Client) -> None:
    await register(browser)
    login = cookie_values(await cookie_login(browser))

    response = await browser.post("/auth/logout", headers=SAME_ORIGIN)

    assert response.status_code == 204, response.text
    cleared = set_cookies(response)
    assert [(cookie["name"], cookie["path"], cookie["max-age"]) for cookie in cleared] == [
        (ACCESS, "/", "0"),
        (REFRESH, "/auth/refresh", "0"),
        (REFRESH, "/auth/logout", "0"),
    ]
    # Browsers ignore a prefixed cookie without Secure, deletions included.
    assert all(cookie["value"] in ("", '""') and "secure" in cookie and "domain" not in cookie for cookie in cleared)
    assert not browser.cookies.jar, "the client's jar dropped every session cookie"
    stale = await browser.get("/api/user/profile", headers=access(login[(ACCESS, "/")]))
    assert_problem(stale, 401, "invalid-token")
    old_refresh = {**SAME_ORIGIN, **refresh_cookie(login[(REFRESH, "/auth/refresh")])}
    assert_problem(await browser.post("/auth/refresh", json={}, headers=old_refresh), 401, "invalid-refresh-token")


async def test_a_bearer_logout_and_a_logout_all_clear_the_cookies_too(browser: Client) -> None:
    await register(browser)
    tokens = await log_in(browser)
    for path in ("/auth/logout-all", "/auth/logout"):
        response = await browser.post(path, headers=bearer(await log_in(browser)))
        assert response.status_code == 204, response.text
        assert {(cookie["name"], cookie["path"], cookie["max-age"]) for cookie in set_cookies(response)} == {
            (ACCESS, "/", "0"),
            (REFRESH, "/auth/refresh", "0"),
            (REFRESH, "/auth/logout", "0"),
        }
    assert (await browser.get("/api/user/profile", headers=bearer(tokens))).status_code == 401


async def test_logout_by_the_refresh_cookie_alone_ends_the_session(browser: Client) -> None:
    """Once the access cookie has expired, the browser still holds the refresh cookie for /auth/logout."""
    tokens = await signed_in(browser)

    response = await browser.post("/auth/logout", headers={**SAME_ORIGIN, **refresh_cookie(tokens["refresh"])})

    assert response.status_code == 204, response.text
    assert_problem(await browser.get("/api/user/profile", headers=access(tokens["access"])), 401, "invalid-token")
    presented = {**SAME_ORIGIN, **refresh_cookie(tokens["refresh"])}
    assert (await browser.post("/auth/refresh", json={}, headers=presented)).status_code == 401


async def test_logout_by_the_refresh_cookie_needs_the_csrf_proof(browser: Client) -> None:
    tokens = await signed_in(browser)
    response = await browser.post("/auth/logout", headers={"Origin": OWN_ORIGIN, **refresh_cookie(tokens["refresh"])})
    assert_problem(response, 403, "csrf")
    assert (await browser.get("/api/user/profile", headers=access(tokens["access"]))).status_code == 200


async def test_the_refresh_cookie_does_not_open_logout_all(browser: Client) -> None:
    tokens = await signed_in(browser)
    response = await browser.post("/auth/logout-all", headers={**SAME_ORIGIN, **refresh_cookie(tokens["refresh"])})
    assert_problem(response, 401, "missing-token")


# A header and a cookie together


async def test_a_bearer_header_and_a_cookie_of_different_users_are_a_400(browser: Client) -> None:
    ada = await signed_in(browser, "ada@example.com")
    await register(browser, "grace@example.com")
    grace = await log_in(browser, "grace@example.com")

    response = await browser.get("/api/user/profile", headers={**bearer(grace), **access(ada["access"])})

    assert_problem(response, 400, "invalid-request")
    assert "www-authenticate" not in response.headers


async def test_a_bearer_header_and_a_cookie_of_the_same_user_are_accepted(browser: Client) -> None:
    ada = await signed_in(browser)
    other_session = await log_in(browser)

    response = await browser.get("/api/user/profile", headers={**bearer(other_session), **access(ada["access"])})

    assert response.status_code == 200, response.text


async def test_with_a_valid_header_an_invalid_cookie_is_ignored(browser: Client) -> None:
    await register(browser)
    tokens = await log_in(browser)
    response = await browser.get("/api/user/profile", headers={**bearer(tokens), **access("stale.cookie.value")})
    assert response.status_code == 200, response.text


# CORS


async def test_no_cors_header_is_ever_sent_by_default(browser: Client) -> None:
    preflight = await browser.options(
        "/auth/login",
        headers={"Origin": APP_ORIGIN, "Access-Control-Request-Method": "POST"},
    )
    simple = await browser.get("/health", headers={"Origin": APP_ORIGIN})
    for response in (preflight, simple):
        assert not [name for name in response.headers if name.lower().startswith("access-control-")]


async def test_a_configured_origin_passes_the_preflight_with_credentials(start_browser_client: ClientFactory) -> None:
    async with start_browser_client(allowed_origins=(APP_ORIGIN,)) as client:
        response = await client.options(
            "/api/user/profile",
            headers={
                "Origin": APP_ORIGIN,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "content-type, x-requested-with, authorization",
            },
        )
    assert response.status_code == 204, response.text
    assert response.headers["access-control-allow-origin"] == APP_ORIGIN
    assert response.headers["access-control-allow-credentials"] == "true"
    allowed = {header.strip().lower() for header in response.headers["access-control-allow-headers"].split(",")}
    assert {"authorization", "content-type", "x-requested-with"} <= allowed


async def test_another_origin_fails_the_preflight(start_browser_client: ClientFactory) -> None:
    async with start_browser_client(allowed_origins=(APP_ORIGIN,)) as client:
        response = await client.options(
            "/auth/logout",
            headers={
                "Origin": "https://evil.example",
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "x-requested-with",
            },
        )
        simple = await client.get("/health", headers={"Origin": "https://evil.example"})
    assert response.status_code >= 400
    assert "access-control-allow-origin" not in response.headers
    assert "access-control-allow-origin" not in simple.headers


async def test_allowed_origins_come_from_the_environment(tmp_path: Path) -> None:
    settings = Settings.from_env(
        {
            "TESSERA_DATABASE_URL": "memory://",
            "TESSERA_DEV_KEY_FILE": str(tmp_path / "key.jwk"),
            "TESSERA_ALLOWED_ORIGINS": f"{APP_ORIGIN}, http://localhost:5173",
        }
    )
    async with AsyncTestClient(create_app(settings), base_url=OWN_ORIGIN) as client:
        response = await client.options(
            "/auth/login", headers={"Origin": "http://localhost:5173", "Access-Control-Request-Method": "POST"}
        )
    assert response.headers["access-control-allow-origin"] == "http://localhost:5173"


# Configuration


def test_the_cookie_settings_default_to_strict_and_no_other_origin() -> None:
    settings = Settings.from_env({})
    assert settings.cookie_same_site == "strict"
    assert settings.allowed_origins == ()


def test_allowed_origins_are_normalised_as_browsers_send_them() -> None:
    settings = Settings.from_env(
        {
            "TESSERA_COOKIE_SAMESITE": "lax",
            "TESSERA_ALLOWED_ORIGINS": "https://App.Example.com:443, http://localhost:5173,https://app.example.com",
        }
    )
    assert settings.cookie_same_site == "lax"
    assert settings.allowed_origins == ("https://app.example.com", "http://localhost:5173")


def test_an_access_lifetime_of_two_seconds_is_allowed_and_one_is_not() -> None:
    assert Settings.from_env({"TESSERA_ACCESS_TTL_SECONDS": "2"}).access_ttl == timedelta(seconds=2)
    with pytest.raises(ConfigError, match=r"^TESSERA_ACCESS_TTL_SECONDS: "):
        Settings.from_env({"TESSERA_ACCESS_TTL_SECONDS": "1"})


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("TESSERA_COOKIE_SAMESITE", "none"),
        ("TESSERA_COOKIE_SAMESITE", "Strict"),
        ("TESSERA_ALLOWED_ORIGINS", "app.example.com"),
        ("TESSERA_ALLOWED_ORIGINS", "https://app.example.com/"),
        ("TESSERA_ALLOWED_ORIGINS", "https://app.example.com/path"),
        ("TESSERA_ALLOWED_ORIGINS", "ftp://app.example.com"),
        ("TESSERA_ALLOWED_ORIGINS", "https://app.example.com:99999"),
        ("TESSERA_ALLOWED_ORIGINS", "https://*.example.com"),
        ("TESSERA_ALLOWED_ORIGINS", "https://user@app.example.com"),
        ("TESSERA_ALLOWED_ORIGINS", "https://app.example.com,,https://b.example.com"),
        ("TESSERA_ALLOWED_ORIGINS", "null"),
    ],
)
def test_a_bad_cookie_setting_is_refused_naming_its_variable(variable: str, value: str) -> None:
    with pytest.raises(ConfigError) as refused:
        Settings.from_env({variable: value})
    assert refused.value.variable == variable
    assert str(refused.value).startswith(variable + ": ")
    assert "\n" not in str(refused.value)


# OpenAPI and the demo page


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


async def test_the_demo_page_loads_its_script_from_self_under_a_strict_policy(browser: Client) -> None:
    page = await browser.get("/demo")
    script = await browser.get("/demo/app.js")

    assert page.status_code == script.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert script.headers["content-type"].startswith("text/javascript")
    policy = page.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "unsafe-inline" not in policy
    assert '<script src="/demo/app.js"' in page.text
    assert (
        "<script>" not in page.text and "style=" not in page.text and "http" not in page.text.replace("http-equiv", "")
    )
    assert '"X-Requested-With": "tessera"' in script.text
    assert 'credentials: "same-origin"' in script.text
