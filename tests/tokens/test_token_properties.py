"""Properties of the token verifier and the claim rules for every token an attacker can write, searched for
counter-examples by hypothesis: anything that is not exactly a valid token is refused with InvalidAccessToken
and nothing else."""

import math
from contextlib import suppress
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from adapters.crypto.joserfc_token_verifier import JoserfcTokenVerifier
from adapters.crypto.signing_keys import SigningKeySet
from domain.claims import AccessClaims
from domain.errors import InvalidAccessToken
from domain.policy import TokenPolicy
from tests.support.forgery import AUDIENCE, ISSUER, attacker_rsa_key, header_for, signed
from tests.support.strategies import (
    FUZZ,
    claim_dicts,
    claims_near,
    header_dicts,
    json_values,
    token_strings,
)

pytestmark = pytest.mark.app

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
POLICY = TokenPolicy(issuer=ISSUER, audience=AUDIENCE)


@pytest.fixture(scope="module")
def verifier() -> JoserfcTokenVerifier:
    return JoserfcTokenVerifier(SigningKeySet(attacker_rsa_key(), "RS256"))


@settings(max_examples=300, deadline=None)
@given(token=token_strings)
def test_the_verifier_refuses_any_string_with_invalid_access_token_only(
    verifier: JoserfcTokenVerifier, token: str
) -> None:
    with pytest.raises(InvalidAccessToken):
        verifier.verify(token)


REAL_HEADER = header_for(attacker_rsa_key())


@settings(max_examples=200, deadline=None)
@given(
    header=st.just(REAL_HEADER) | header_dicts.map(lambda extra: {**REAL_HEADER, **extra, "alg": "RS256"}),
    payload=json_values | claim_dicts | st.binary(),
)
def test_a_validly_signed_token_verifies_to_a_json_object_or_is_refused_with_invalid_access_token(
    verifier: JoserfcTokenVerifier, header: dict[str, object], payload: object
) -> None:
    """Past the signature, what remains is parsing: extra header members and any payload bytes, really signed."""
    try:
        result = verifier.verify(signed(header, payload, attacker_rsa_key()))
    except InvalidAccessToken:
        event("refused")
        return
    event("verified")
    assert isinstance(result, dict)
    assert set(header) <= {"alg", "typ", "kid"} and str(header["typ"]).lower() in ("at+jwt", "application/at+jwt")


CLAIMS_NEAR_NOW = claims_near(int(NOW.timestamp()), int(POLICY.leeway.total_seconds()))


@FUZZ
@given(payload=CLAIMS_NEAR_NOW | claim_dicts | st.dictionaries(st.text(max_size=8), json_values))
def test_claims_of_any_json_object_are_returned_or_refused_with_invalid_access_token_only(
    payload: dict[str, object],
) -> None:
    with suppress(InvalidAccessToken):
        AccessClaims.from_payload(payload, POLICY, NOW)


@settings(max_examples=300, deadline=None)
@given(payload=CLAIMS_NEAR_NOW)
def test_claims_are_accepted_only_when_every_rule_holds(payload: dict[str, Any]) -> None:
    """Genuine claims with a few near misses: whatever is accepted must meet every rule exactly."""
    try:
        claims = AccessClaims.from_payload(payload, POLICY, NOW)
    except InvalidAccessToken:
        event("refused")
        return
    event("accepted")
    moment, leeway = NOW.timestamp(), POLICY.leeway.total_seconds()
    assert payload["iss"] == ISSUER
    assert payload["aud"] == AUDIENCE or (isinstance(payload["aud"], list) and AUDIENCE in payload["aud"])
    for name in ("exp", "iat"):
        assert type(payload[name]) in (int, float) and math.isfinite(payload[name])
    assert payload["exp"] > moment - leeway and payload["iat"] <= moment + leeway
    assert payload.get("nbf") is None or payload["nbf"] <= moment + leeway
    assert (claims.sub, claims.jti, claims.sid) == (UUID(payload["sub"]), UUID(payload["jti"]), UUID(payload["sid"]))
    assert claims.roles == tuple(payload.get("roles", []))
    assert all(isinstance(role, str) for role in claims.roles)


@pytest.mark.parametrize("name", ["exp", "iat", "nbf"])
def test_a_time_claim_beyond_the_float_range_is_refused_with_invalid_access_token(name: str) -> None:
    payload = {"iss": ISSUER, "aud": AUDIENCE, "exp": 1.8e9, "iat": 1.7e9, name: 10**400}
    with pytest.raises(InvalidAccessToken):
        AccessClaims.from_payload(payload, POLICY, NOW)
