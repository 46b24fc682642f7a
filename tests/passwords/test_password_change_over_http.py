"""POST /auth/password: bearer, or the access cookie with the CSRF proof; every other session ends."""

import pytest

from tests.support.cookies import SAME_ORIGIN, access, assert_problem, signed_in
from tests.support.flows import Client, bearer, log_in, register
from tests.support.http import PASSWORD

pytestmark = [pytest.mark.anyio, pytest.mark.app]

NEW = "a brand new passphrase"
CHANGE = {"current_password": PASSWORD, "new_password": NEW}


async def test_a_password_change_answers_204_ends_the_other_sessions_and_keeps_this_one(
    any_storage_client: Client,
) -> None:
    client = any_storage_client
    await register(client)
    laptop, phone = await log_in(client), await log_in(client)

    response = await client.post("/auth/password", json=CHANGE, headers=bearer(laptop))

    assert response.status_code == 204, response.text
    assert response.content == b""
    assert (await client.post("/auth/refresh", json={"refresh_token": phone["refresh_token"]})).status_code == 401
    assert (await client.get("/api/user/profile", headers=bearer(phone))).status_code == 401
    assert (await client.post("/auth/refresh", json={"refresh_token": laptop["refresh_token"]})).status_code == 200
    old = await client.post("/auth/login", json={"email": "ada@example.com", "password": PASSWORD})
    assert_problem(old, 401, "invalid-credentials")
    await log_in(client, password=NEW)


async def test_a_cookie_caller_needs_the_csrf_proof(browser: Client) -> None:
    tokens = await signed_in(browser)

    refused = await browser.post("/auth/password", json=CHANGE, headers=access(tokens["access"]))
    assert_problem(refused, 403, "csrf")
    accepted = await browser.post("/auth/password", json=CHANGE, headers={**SAME_ORIGIN, **access(tokens["access"])})
    assert accepted.status_code == 204, accepted.text


async def test_a_wrong_current_password_is_403_and_counts_towards_the_login_throttle(client: Client) -> None:
    await register(client)
    tokens = await log_in(client)
    wrong = {"current_password": "not my password", "new_password": NEW}

    for _ in range(5):
        assert_problem(
            await client.post("/auth/password", json=wrong, headers=bearer(tokens)), 403, "wrong-current-password"
        )
    throttled = await client.post("/auth/password", json=CHANGE, headers=bearer(tokens))

    assert_problem(throttled, 429, "login-throttled")
    assert int(throttled.headers["retry-after"]) > 0
    login = await client.post("/auth/login", json={"email": "ada@example.com", "password": PASSWORD})
    assert_problem(login, 429, "login-throttled")


async def test_a_short_new_password_or_no_token_is_refused(client: Client) -> None:
    await register(client)
    tokens = await log_in(client)

    short = await client.post("/auth/password", json={**CHANGE, "new_password": "short"}, headers=bearer(tokens))
    assert_problem(short, 400, "invalid-request")  # the body's schema bounds the length (8–1024)
    anonymous = await client.post("/auth/password", json=CHANGE)
    assert anonymous.status_code == 401 and anonymous.headers["www-authenticate"].startswith("Bearer")
