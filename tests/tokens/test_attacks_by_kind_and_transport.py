"""A refresh token where an access token goes and back, a token in the query string, and the access
cookie: another way in, through the same verifier, to the same refusals."""

from collections.abc import Callable

import httpx
import pytest
from joserfc.jwk import RSAKey

from entrypoints.http.browser.cookies import ACCESS_COOKIE
from tests.support.flows import Client, log_in
from tests.support.forgery import (
    ISSUER,
    attacker_rsa_key,
    claims,
    header_for,
    hmac_signed,
    signed,
    unsigned,
)
from tests.support.token_attacks import NOW, assert_refused, counting_deserialisations, present

pytestmark = [pytest.mark.anyio, pytest.mark.app]


# --- Token kinds and transports ---


async def test_a_refresh_token_presented_as_an_access_token_is_refused(client: Client, user_id: str) -> None:
    assert_refused(await present(client, (await log_in(client))["refresh_token"]))


async def test_an_access_token_presented_as_a_refresh_token_is_refused_and_spends_nothing(
    client: Client, user_id: str
) -> None:
    tokens = await log_in(client)
    response = await client.post("/auth/refresh", json={"refresh_token": tokens["access_token"]})
    assert_refused(
        response, detail="The refresh token is invalid or expired.", problem="urn:tessera:problem:invalid-refresh-token"
    )
    rotated = await client.post("/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert rotated.status_code == 200, rotated.text


async def test_a_token_in_the_query_string_is_ignored(client: Client, issued: str) -> None:
    response = await client.get("/api/user/profile", params={"access_token": issued})
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'Bearer realm="tessera"'
    assert response.json()["detail"] == "An access token is required."


# --- The access cookie: another way in, through the same verifier, to the same refusals ---

COOKIE_FORGERIES: dict[str, Callable[[RSAKey, str], str]] = {
    "alg none": lambda key, user: unsigned(header_for(key, alg="none"), claims(user)),
    "HS256 keyed with the public key": lambda key, user: hmac_signed(
        header_for(key, alg="HS256"), claims(user), key.as_pem(private=False)
    ),
    "a foreign key under our kid": lambda key, user: signed(header_for(key), claims(user), attacker_rsa_key()),
    "a jku of the attacker's": lambda key, user: signed(
        header_for(key, jku="https://attacker.example/keys"), claims(user), key
    ),
    "expired": lambda key, user: signed(header_for(key), claims(user, exp=NOW - 3600), key),
    "a lookalike issuer": lambda key, user: signed(header_for(key), claims(user, iss=ISSUER + ".evil"), key),
}


async def present_in_cookie(client: Client, token: str) -> httpx.Response:
    return await client.get("/api/user/profile", headers={"Cookie": f"{ACCESS_COOKIE}={token}"})


async def test_an_issued_token_in_the_access_cookie_is_accepted(client: Client, issued: str) -> None:
    assert (await present_in_cookie(client, issued)).status_code == 200


@pytest.mark.parametrize("forgery", COOKIE_FORGERIES)
async def test_a_forged_token_in_the_access_cookie_is_refused_like_one_in_the_header(
    client: Client, signing_key: RSAKey, user_id: str, forgery: str
) -> None:
    assert_refused(await present_in_cookie(client, COOKIE_FORGERIES[forgery](signing_key, user_id)))


async def test_an_oversized_access_cookie_is_refused_before_any_cryptography(
    client: Client, issued: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = counting_deserialisations(monkeypatch)
    assert (await present_in_cookie(client, issued)).status_code == 200
    assert calls == [1], "the counter must see an ordinary verification, or it proves nothing below"
    assert_refused(await present_in_cookie(client, issued + "A" * 10 * 1024))
    assert calls == [1]
