"""The cookie transport for browsers: the HttpOnly session cookies a login sets, the access cookie,
and an access cookie beside a bearer header.

The client speaks https (httpx keeps `Secure` cookies for https only), so tessera's own origin
here is https://testserver.local (tests.support.cookies).
"""

import pytest

from tests.support.app_clients import ClientFactory
from tests.support.cookies import (
    ACCESS,
    REFRESH,
    SAME_ORIGIN,
    access,
    assert_problem,
    cookie_login,
    set_cookies,
    signed_in,
)
from tests.support.flows import Client, bearer, log_in, register
from tests.support.http import PASSWORD

pytestmark = [pytest.mark.anyio, pytest.mark.app]


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
