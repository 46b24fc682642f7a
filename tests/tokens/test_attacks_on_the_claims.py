"""Forged tokens against the claims: exact issuer and audience, well-typed times within the leeway, UUID
identifiers."""

import time

import pytest
from joserfc.jwk import RSAKey

from tests.support.flows import Client
from tests.support.forgery import (
    claims,
    header_for,
    signed,
)
from tests.support.token_attacks import (
    BEYOND_FLOAT,
    LOOKALIKE_ISSUERS,
    MALFORMED_NUMBERS,
    NOW,
    assert_refused,
    present,
    raw_payload,
)

pytestmark = [pytest.mark.anyio, pytest.mark.app]


# --- The claims: exact values, well-typed numbers, within the leeway ---


@pytest.mark.parametrize("iss", LOOKALIKE_ISSUERS)
async def test_an_issuer_that_is_not_exactly_ours_is_refused(
    client: Client, signing_key: RSAKey, user_id: str, iss: object
) -> None:
    assert_refused(await present(client, signed(header_for(signing_key), claims(user_id, iss=iss), signing_key)))


@pytest.mark.parametrize(
    "aud",
    ["someone-else", "tessera-tests.evil", "tessera-test", "", ["someone-else"], [], {"tessera-tests": 1}, None, ...],
)
async def test_an_audience_that_does_not_name_us_is_refused(
    client: Client, signing_key: RSAKey, user_id: str, aud: object
) -> None:
    assert_refused(await present(client, signed(header_for(signing_key), claims(user_id, aud=aud), signing_key)))


@pytest.mark.parametrize(
    "exp", [..., NOW - 3600, NOW - 120, 0, -1], ids=["absent", "an hour ago", "2 min ago", "0", "-1"]
)
async def test_a_token_without_an_expiry_or_past_it_is_refused(
    client: Client, signing_key: RSAKey, user_id: str, exp: object
) -> None:
    assert_refused(await present(client, signed(header_for(signing_key), claims(user_id, exp=exp), signing_key)))


@pytest.mark.parametrize(
    ("name", "raw"),
    [
        *[(name, raw) for name in ("exp", "iat", "nbf") for raw in MALFORMED_NUMBERS if (name, raw) != ("nbf", "null")],
        pytest.param("nbf", "null"),
        ("iat", "1e308"),
        ("nbf", "1e308"),
        *[
            pytest.param(name, sign + BEYOND_FLOAT, id=f"{name}-{sign}10**400")
            for name in ("exp", "iat", "nbf")
            for sign in ("", "-")
        ],
    ],
)
async def test_a_time_claim_that_is_not_a_usable_number_is_refused(
    client: Client, signing_key: RSAKey, user_id: str, name: str, raw: str
) -> None:
    """Written verbatim into the payload: `1e309` parses to infinity, `NaN` to nan, ten to the 400 to an int."""
    token = signed(header_for(signing_key), raw_payload(user_id, name, raw), signing_key)
    assert_refused(await present(client, token))


@pytest.mark.parametrize("name", ["iat", "nbf"])
async def test_a_token_dated_in_the_future_beyond_the_leeway_is_refused(
    client: Client, signing_key: RSAKey, user_id: str, name: str
) -> None:
    token = signed(header_for(signing_key), claims(user_id, **{name: int(time.time()) + 300}), signing_key)
    assert_refused(await present(client, token))


@pytest.mark.parametrize("name", ["iat", "nbf"])
async def test_a_token_dated_in_the_future_within_the_leeway_is_accepted(
    client: Client, signing_key: RSAKey, user_id: str, name: str
) -> None:
    """The leeway is 30 s; 10 s ahead is clock skew, not an attack."""
    token = signed(header_for(signing_key), claims(user_id, **{name: int(time.time()) + 10}), signing_key)
    assert (await present(client, token)).status_code == 200


@pytest.mark.parametrize("name", ["sub", "jti", "sid"])
@pytest.mark.parametrize("value", [..., None, "", "not-a-uuid", 42, ["00000000-0000-0000-0000-000000000000"]])
async def test_a_token_without_a_uuid_subject_token_id_or_session_id_is_refused(
    client: Client, signing_key: RSAKey, user_id: str, name: str, value: object
) -> None:
    token = signed(header_for(signing_key), claims(user_id, **{name: value}), signing_key)
    assert_refused(await present(client, token))
