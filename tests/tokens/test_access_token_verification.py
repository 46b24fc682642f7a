"""Access tokens that are not exactly what tessera issues are refused, whoever signed them."""

import base64
import hashlib
import hmac
import json
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from joserfc import jws
from joserfc.jwk import RSAKey

from tests.support.flows import Client, log_in, register

pytestmark = [pytest.mark.anyio, pytest.mark.app]


@pytest.fixture
def signing_key(tmp_path: Path, client: Client) -> RSAKey:
    """The key the app generated on start-up (the client fixture started it)."""
    return RSAKey.import_key(json.loads((tmp_path / "dev-signing-key.jwk").read_text()))


def claims(**changes: Any) -> dict[str, Any]:
    now = int(time.time())
    base: dict[str, Any] = {
        "iss": "https://auth.tessera.test",
        "aud": "tessera-tests",
        "sub": str(uuid.uuid4()),
        "exp": now + 600,
        "iat": now,
        "jti": str(uuid.uuid4()),
        "sid": str(uuid.uuid4()),
        "roles": [],
    }
    base.update(changes)
    return {name: value for name, value in base.items() if value is not None}


def b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def sign(key: Any, payload: dict[str, Any], **header: Any) -> str:
    full_header = {"alg": "RS256", "typ": "at+jwt", "kid": key.kid, **header}
    return jws.serialize_compact(full_header, json.dumps(payload), key, algorithms=[full_header["alg"]])


async def profile_status(client: Client, token: str) -> int:
    response = await client.get("/api/user/profile", headers={"Authorization": f"Bearer {token}"})
    if response.status_code == 401:
        assert response.headers["www-authenticate"] == 'Bearer realm="tessera", error="invalid_token"'
        assert response.json()["detail"] == "The access token is invalid or expired."
    return response.status_code


async def test_a_token_signed_by_tessera_for_an_existing_user_is_accepted(client: Client, signing_key: RSAKey) -> None:
    user = await register(client)
    assert await profile_status(client, sign(signing_key, claims(sub=user["id"]))) == 200


@pytest.mark.parametrize(
    "changes",
    [
        {"iss": "https://auth.tessera.test.evil"},
        {"iss": "https://auth.tessera"},
        {"aud": "someone-else"},
        {"aud": ["someone-else"]},
        {"exp": None},
        {"exp": int(time.time()) - 3600},
        {"exp": str(int(time.time()) + 600)},
        {"exp": True},
        {"iat": int(time.time()) + 3600},
        {"nbf": int(time.time()) + 3600},
        {"sub": None},
        {"jti": None},
        {"sid": None},
        {"sub": "not-a-uuid"},
    ],
    ids=lambda changes: ",".join(f"{k}={v}" for k, v in changes.items()),
)
async def test_a_token_with_wrong_claims_is_refused(
    client: Client, signing_key: RSAKey, changes: dict[str, Any]
) -> None:
    user = await register(client)
    assert await profile_status(client, sign(signing_key, claims(**{"sub": user["id"], **changes}))) == 401


async def test_an_audience_list_containing_ours_is_accepted(client: Client, signing_key: RSAKey) -> None:
    user = await register(client)
    token = sign(signing_key, claims(sub=user["id"], aud=["other", "tessera-tests"]))
    assert await profile_status(client, token) == 200


@pytest.mark.parametrize("typ", ["JWT", "jwt", None])
async def test_a_token_without_the_access_token_type_is_refused(client: Client, signing_key: RSAKey, typ: str) -> None:
    user = await register(client)
    header = {"typ": typ} if typ else {}
    token = sign(signing_key, claims(sub=user["id"]), **header)
    if typ is None:  # drop typ entirely
        token = jws.serialize_compact(
            {"alg": "RS256", "kid": signing_key.kid}, json.dumps(claims(sub=user["id"])), signing_key
        )
    assert await profile_status(client, token) == 401


async def test_a_token_signed_by_a_foreign_key_with_our_kid_is_refused(client: Client, signing_key: RSAKey) -> None:
    user = await register(client)
    foreign = RSAKey.generate_key(2048, parameters={"kid": signing_key.kid})
    assert await profile_status(client, sign(foreign, claims(sub=user["id"]))) == 401


async def test_a_token_naming_an_unknown_kid_is_refused(client: Client, signing_key: RSAKey) -> None:
    user = await register(client)
    assert await profile_status(client, sign(signing_key, claims(sub=user["id"]), kid="../../dev/null")) == 401


async def test_hs256_signed_with_the_public_key_is_refused(client: Client, signing_key: RSAKey) -> None:
    user = await register(client)
    signing_input = f"{b64({'alg': 'HS256', 'typ': 'at+jwt', 'kid': signing_key.kid})}.{b64(claims(sub=user['id']))}"
    for secret in (signing_key.as_pem(private=False), json.dumps(signing_key.as_dict(private=False)).encode()):
        mac = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
        token = f"{signing_input}.{base64.urlsafe_b64encode(mac).rstrip(b'=').decode()}"
        assert await profile_status(client, token) == 401


@pytest.mark.parametrize("alg", ["none", "None", "NONE"])
async def test_an_unsigned_token_is_refused(client: Client, alg: str) -> None:
    user = await register(client)
    token = f"{b64({'alg': alg, 'typ': 'at+jwt'})}.{b64(claims(sub=user['id']))}."
    assert await profile_status(client, token) == 401


async def test_a_tampered_payload_is_refused(client: Client, signing_key: RSAKey) -> None:
    await register(client)
    header, _, signature = (await log_in(client))["access_token"].split(".")
    assert await profile_status(client, f"{header}.{b64(claims(roles=['admin']))}.{signature}") == 401
