"""Refresh and logout by the cookies: rotation, reuse, and clearing all three cookie slots.

The client speaks https (httpx keeps `Secure` cookies for https only), so tessera's own origin
here is https://testserver.local (tests.support.cookies).
"""

from datetime import timedelta

import pytest

from tests.support.app_clients import ClientFactory
from tests.support.cookies import (
    ACCESS,
    OWN_ORIGIN,
    REFRESH,
    SAME_ORIGIN,
    access,
    assert_problem,
    cookie_login,
    cookie_values,
    refresh_cookie,
    set_cookies,
    signed_in,
)
from tests.support.flows import Client, bearer, log_in, register

pytestmark = [pytest.mark.anyio, pytest.mark.app]


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
