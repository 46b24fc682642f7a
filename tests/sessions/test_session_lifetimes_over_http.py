"""`"remember": false` at login: a short absolute lifetime, and cookies that end with the browser session."""

import base64
import json
from datetime import timedelta

import pytest

from tests.support.app_clients import ClientFactory
from tests.support.cookies import REFRESH, SAME_ORIGIN, cookie_values, refresh_cookie, set_cookies
from tests.support.flows import Client, register
from tests.support.http import PASSWORD

pytestmark = [pytest.mark.anyio, pytest.mark.app]


async def _login(client: Client, **body: object) -> dict[str, object]:
    response = await client.post(
        "/auth/login", json={"email": "ada@example.com", "password": PASSWORD, **body}, headers=SAME_ORIGIN
    )
    assert response.status_code == 200, response.text
    return {"body": response.json(), "cookies": set_cookies(response), "values": cookie_values(response)}


async def test_a_cookie_login_not_remembered_sets_browser_session_cookies_and_so_does_its_refresh(
    browser: Client,
) -> None:
    await register(browser)
    login = await _login(browser, transport="cookie", remember=False)

    assert login["body"] == {"transport": "cookie", "expires_in": 900, "refresh_expires_in": 12 * 3600}
    assert all("max-age" not in cookie and "expires" not in cookie for cookie in login["cookies"])  # type: ignore[attr-defined]
    browser.cookies.clear()
    token = login["values"][(REFRESH, "/auth/refresh")]  # type: ignore[index]
    response = await browser.post("/auth/refresh", json={}, headers={**SAME_ORIGIN, **refresh_cookie(token)})
    assert response.status_code == 200, response.text
    cookies = set_cookies(response)
    assert len(cookies) == 3 and all("max-age" not in cookie and "expires" not in cookie for cookie in cookies)


async def test_a_bearer_login_not_remembered_gets_the_short_lifetime(browser: Client) -> None:
    await register(browser)
    login = await _login(browser, remember=False)

    assert login["body"]["refresh_expires_in"] == 12 * 3600  # type: ignore[index]


async def test_a_refresh_token_and_its_cookie_never_outlive_the_configured_session_lifetime(
    start_browser_client: ClientFactory,
) -> None:
    async with start_browser_client(
        session_max_age=timedelta(days=3), short_session_max_age=timedelta(hours=1)
    ) as client:
        await register(client)
        remembered = await _login(client, transport="cookie")
        forgotten = await _login(client, remember=False)

    assert remembered["body"]["refresh_expires_in"] == 3 * 86400  # type: ignore[index]
    assert remembered["cookies"][1]["max-age"] == str(3 * 86400)  # type: ignore[index]
    assert forgotten["body"]["refresh_expires_in"] == 3600  # type: ignore[index]


def _exp_and_iat(access_token: str) -> tuple[int, int]:
    payload = access_token.split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return claims["exp"], claims["iat"]


async def test_no_access_token_or_cookie_outlives_a_session_shorter_than_the_access_ttl(
    start_browser_client: ClientFactory,
) -> None:
    """Third review, item 12: sessions of 60 s, access tokens of 15 min. The login's access token, its
    `expires_in` and its cookie's Max-Age all stop at the session's end, and so does a refresh's token."""
    async with start_browser_client(
        session_max_age=timedelta(seconds=60), short_session_max_age=timedelta(seconds=60)
    ) as client:
        await register(client)
        cookie = await _login(client, transport="cookie")
        bearer = await _login(client)
        refreshed = await client.post("/auth/refresh", json={"refresh_token": bearer["body"]["refresh_token"]})  # type: ignore[index]
        assert refreshed.status_code == 200, refreshed.text

    assert cookie["body"] == {"transport": "cookie", "expires_in": 60, "refresh_expires_in": 60}
    assert [c["max-age"] for c in cookie["cookies"]] == ["60", "60", "60"]  # type: ignore[attr-defined]
    exp, iat = _exp_and_iat(bearer["body"]["access_token"])  # type: ignore[index]
    assert exp - iat == bearer["body"]["expires_in"] == 60  # type: ignore[index]
    refreshed_exp, refreshed_iat = _exp_and_iat(refreshed.json()["access_token"])
    assert refreshed_exp == exp  # the session's end, not 15 minutes from the refresh
    assert refreshed.json()["expires_in"] == exp - refreshed_iat <= 60
    assert refreshed.json()["refresh_expires_in"] <= 60
