"""Forged tokens against the algorithm: only the one the server pinned is verified, whatever the header
says. The control test first: the forger's own tokens pass when they have no defect, so each refusal
is caused by its one defect."""

import json

import pytest
from joserfc.jwk import RSAKey

from tests.support.flows import Client
from tests.support.forgery import (
    attacker_ec_key,
    attacker_rsa_key,
    claims,
    header_for,
    hmac_signed,
    segment,
    signed,
    unsigned,
)
from tests.support.token_attacks import assert_refused, present

pytestmark = [pytest.mark.anyio, pytest.mark.app]


async def test_a_token_forged_with_the_service_key_and_genuine_claims_is_accepted(
    client: Client, signing_key: RSAKey, user_id: str
) -> None:
    """The control: every refusal below is caused by its one defect, not by the way tokens are made here."""
    response = await present(client, signed(header_for(signing_key), claims(user_id), signing_key))
    assert response.status_code == 200, response.text


# --- The algorithm: only the one the server pinned, whatever the header says ---


@pytest.mark.parametrize("alg", ["none", "None", "NONE", "nOnE"])
@pytest.mark.parametrize("form", ["two segments", "empty signature", "a genuine RS256 signature"])
async def test_a_token_declaring_alg_none_is_refused(
    client: Client, signing_key: RSAKey, user_id: str, alg: str, form: str
) -> None:
    header, payload = header_for(signing_key, alg=alg), claims(user_id)
    token = {
        "two segments": f"{segment(header)}.{segment(payload)}",
        "empty signature": unsigned(header, payload),
        "a genuine RS256 signature": signed(header, payload, signing_key, alg="RS256"),
    }[form]
    assert_refused(await present(client, token))


@pytest.mark.parametrize("secret_form", ["PEM", "JWK JSON", "compact JWK JSON"])
async def test_hs256_keyed_with_the_services_public_key_is_refused(
    client: Client, signing_key: RSAKey, user_id: str, secret_form: str
) -> None:
    public = signing_key.as_dict(private=False)
    secret = {
        "PEM": signing_key.as_pem(private=False),
        "JWK JSON": json.dumps(public).encode(),
        "compact JWK JSON": json.dumps(public, separators=(",", ":")).encode(),
    }[secret_form]
    token = hmac_signed(header_for(signing_key, alg="HS256"), claims(user_id), secret)
    assert_refused(await present(client, token))


@pytest.mark.parametrize("alg", ["RS384", "RS512", "PS256", "PS512"])
async def test_another_rsa_algorithm_signed_with_the_real_key_is_refused(
    client: Client, signing_key: RSAKey, user_id: str, alg: str
) -> None:
    assert_refused(await present(client, signed(header_for(signing_key, alg=alg), claims(user_id), signing_key)))


async def test_es256_signed_with_a_foreign_key_under_our_kid_is_refused(
    client: Client, signing_key: RSAKey, user_id: str
) -> None:
    token = signed(header_for(signing_key, alg="ES256"), claims(user_id), attacker_ec_key())
    assert_refused(await present(client, token))


async def test_rs256_signed_with_a_foreign_key_under_our_kid_is_refused(
    client: Client, signing_key: RSAKey, user_id: str
) -> None:
    assert_refused(await present(client, signed(header_for(signing_key), claims(user_id), attacker_rsa_key())))
