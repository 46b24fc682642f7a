"""`"remember": false` at login: a short absolute lifetime, and cookies that end with the browser session."""

from datetime import timedelta

import pytest

from tests.integration.conftest import ClientFactory
from tests.integration.cookies import REFRESH, SAME_ORIGIN, cookie_values, refresh_cookie, set_cookies
from tests.integration.flows import Client, register
from tests.support.http import PASSWORD

pytestmark = pytest.mark.anyio


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
