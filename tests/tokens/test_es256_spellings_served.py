"""A real `tessera serve` signing ES256, and tessera-verifier reading its real JWKS: the token tessera issues
(low S) is accepted by both, and the same token with its signature's `s` replaced by `n − s` (a valid ECDSA
signature still) is refused by both."""

import base64
import json
import secrets
from pathlib import Path

import httpx
import pytest
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry
from tessera_verifier import InvalidToken, Verifier

from tests.support.forgery import AUDIENCE, ISSUER, P256_ORDER, es256_scalars, lenient_b64decode, with_es256_s
from tests.support.http import PASSWORD
from tests.support.served import environment, serving, upgraded

pytestmark = pytest.mark.served


def accepted_by_tessera(url: str, token: str) -> bool:
    answer = httpx.get(f"{url}/api/user/profile", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code in (200, 401), answer.text
    return answer.status_code == 200


def accepted_by_the_verifier(verifier: Verifier, token: str) -> bool:
    try:
        verifier.verify(token)
    except InvalidToken:
        return False
    return True


def test_a_high_s_twin_of_a_real_es256_token_is_refused_by_tessera_and_by_the_verifier(tmp_path: Path) -> None:
    env = environment(
        tmp_path,
        TESSERA_SIGNING_ALG="ES256",
        TESSERA_KEY_ENCRYPTION_KEY=base64.b64encode(secrets.token_bytes(32)).decode(),
        TESSERA_ISSUER=ISSUER,
        TESSERA_AUDIENCE=AUDIENCE,
    )
    upgraded(env, tmp_path)
    with serving(env, tmp_path) as url:
        assert httpx.post(f"{url}/auth/register", json={"email": "ada@example.com", "password": PASSWORD}).is_success
        login = httpx.post(f"{url}/auth/login", json={"email": "ada@example.com", "password": PASSWORD})
        token = str(login.json()["access_token"])
        _, s = es256_scalars(token)
        assert 0 < s <= P256_ORDER // 2, "tessera writes the low-S spelling"
        high_s = with_es256_s(token, P256_ORDER - s)
        keys = KeySet.import_key_set(httpx.get(f"{url}/.well-known/jwks.json").json())
        key = keys.get_by_kid(json.loads(lenient_b64decode(token.split(".")[0]))["kid"])
        signing_input, _, signature = high_s.rpartition(".")
        assert JWSRegistry.algorithms["ES256"].verify(signing_input.encode(), lenient_b64decode(signature), key), (
            "the twin is a valid ECDSA signature: only the low-S rule refuses it"
        )

        with Verifier(ISSUER, AUDIENCE, f"{url}/.well-known/jwks.json") as verifier:
            assert accepted_by_tessera(url, token) and accepted_by_the_verifier(verifier, token)
            assert not accepted_by_tessera(url, high_s)
            assert not accepted_by_the_verifier(verifier, high_s)
