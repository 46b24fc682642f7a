"""The CSRF rule for cookie-authenticated requests: the custom header, and an own or configured Origin (or Referer).

The client speaks https (httpx keeps `Secure` cookies for https only), so tessera's own origin
here is https://testserver.local (tests.support.cookies).
"""

import pytest

from tests.support.app_clients import ClientFactory
from tests.support.cookies import (
    APP_ORIGIN,
    OWN_ORIGIN,
    SAME_ORIGIN,
    access,
    assert_problem,
    refresh_cookie,
    signed_in,
)
from tests.support.flows import Client, bearer, log_in, register
from tests.support.http import PASSWORD

pytestmark = [pytest.mark.anyio, pytest.mark.app]


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


@pytest.mark.parametrize("referer", ["http://[::1", "https://[", "https://]/", "http://[fe80::1%eth0/x"])
async def test_a_referer_that_is_not_a_url_is_no_origin_so_the_request_is_403_not_a_server_error(
    browser: Client, referer: str
) -> None:
    tokens = await signed_in(browser)
    headers = {"X-Requested-With": "tessera", "Referer": referer}
    assert_problem(await browser.post("/auth/logout", headers={**headers, **access(tokens["access"])}), 403, "csrf")
    body = {"email": "ada@example.com", "password": PASSWORD, "transport": "cookie"}
    assert_problem(await browser.post("/auth/login", json=body, headers=headers), 403, "csrf")


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
