"""Who may call /oauth/*: trusted backend clients by HTTP Basic only; everyone else the same 401."""

from pathlib import Path

import pytest
from litestar.testing import AsyncTestClient

from entrypoints.http.app import create_app
from tests.support.flows import Client, bearer, log_in, register
from tests.support.http import settings_for_tests
from tests.support.oauth import CLIENT_ID, CLIENT_SECRET, basic
from tests.support.stored import stored_session

pytestmark = [pytest.mark.anyio, pytest.mark.app]
ROUTES = ["/oauth/introspect", "/oauth/revoke"]
REFUSED = {
    "type": "urn:tessera:problem:invalid-client",
    "title": "Unauthorized",
    "status": 401,
    "detail": "Client authentication failed.",
    "error": "invalid_client",
}
WRONG_CREDENTIALS = {
    "none": {},
    "wrong secret": basic(CLIENT_ID, CLIENT_SECRET + "x"),
    "unknown client": basic("someone-else", CLIENT_SECRET),
    "empty secret": basic(CLIENT_ID, ""),
    "not base64": {"Authorization": "Basic !!!"},
    "no colon": {"Authorization": "Basic b3JkZXJzLWFwaQ=="},
    "a bearer token": {"Authorization": f"Bearer {CLIENT_SECRET}"},
    "oversized": {"Authorization": "Basic " + "A" * 2000},
}


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("credentials", WRONG_CREDENTIALS.values(), ids=WRONG_CREDENTIALS.keys())
async def test_every_wrong_credential_gets_the_same_401_with_a_basic_challenge(
    oauth_client: Client, route: str, credentials: dict[str, str]
) -> None:
    response = await oauth_client.post(route, data={"token": "x"}, headers=credentials)

    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'Basic realm="tessera"'
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json() == REFUSED


@pytest.mark.parametrize("route", ROUTES)
async def test_an_unauthenticated_caller_is_refused_before_its_body_is_read(oauth_client: Client, route: str) -> None:
    assert (await oauth_client.post(route, content=b"{not a form")).status_code == 401
    assert (await oauth_client.post(route, data={}, headers=basic())).status_code == 400


async def test_credentials_in_the_form_body_are_not_accepted(oauth_client: Client) -> None:
    await register(oauth_client)
    tokens = await log_in(oauth_client)
    form = {"token": tokens["refresh_token"], "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}

    assert (await oauth_client.post("/oauth/revoke", data=form)).status_code == 401
    session_id = (await oauth_client.get("/api/user/session", headers=bearer(tokens))).json()["session_id"]
    assert (await stored_session(oauth_client, session_id)).revoked_at is None  # type: ignore[union-attr]


async def test_a_client_id_and_secret_are_form_urlencoded_inside_basic_as_rfc_6749_says(oauth_client: Client) -> None:
    encoded = basic(CLIENT_ID.replace("-", "%2D"), CLIENT_SECRET)
    assert (await oauth_client.post("/oauth/introspect", data={"token": "x"}, headers=encoded)).status_code == 200


@pytest.mark.parametrize("route", ROUTES)
async def test_with_no_client_configured_every_caller_is_refused(tmp_path: Path, route: str) -> None:
    async with AsyncTestClient(create_app(settings_for_tests("memory://", tmp_path))) as client:
        response = await client.post(route, data={"token": "x"}, headers=basic())
    assert response.status_code == 401 and response.json() == REFUSED
