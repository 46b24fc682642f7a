from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest

from domain.claims import AccessClaims
from domain.errors import InvalidAccessToken
from domain.policy import TokenPolicy

ISSUER = "https://issuer.example"
AUDIENCE = "tessera-api"
POLICY = TokenPolicy(issuer=ISSUER, audience=AUDIENCE, leeway=timedelta(seconds=30))
NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
T = int(NOW.timestamp())
USER, TOKEN, SESSION = UUID(int=1), UUID(int=2), UUID(int=3)
NAN, INF = float("nan"), float("inf")


def payload(**changes: object) -> dict[str, object]:
    good: dict[str, object] = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": str(USER),
        "exp": T + 900,
        "iat": T,
        "jti": str(TOKEN),
        "sid": str(SESSION),
        "roles": ["admin"],
    }
    return {**good, **changes}


def without(name: str) -> dict[str, object]:
    claims = payload()
    del claims[name]
    return claims


def test_a_payload_meeting_every_rule_is_accepted():
    claims = AccessClaims.from_payload(payload(), POLICY, NOW)

    assert claims == AccessClaims(ISSUER, AUDIENCE, USER, T + 900, T, TOKEN, SESSION, ("admin",))


def test_claims_survive_a_round_trip_through_their_payload():
    claims = AccessClaims(ISSUER, AUDIENCE, USER, T + 900, T, TOKEN, SESSION, ("admin", "support"))

    assert AccessClaims.from_payload(claims.as_payload(), POLICY, NOW) == claims


def test_a_payload_without_roles_means_no_roles():
    assert AccessClaims.from_payload(without("roles"), POLICY, NOW).roles == ()


@pytest.mark.parametrize(
    "iss",
    [
        "https://issuer.example.evil",
        "https://issuer.example/",
        "https://issuer.exampl",
        "https://evil.example/https://issuer.example",
        "HTTPS://ISSUER.EXAMPLE",
        "",
        None,
        [ISSUER],
    ],
)
def test_an_issuer_other_than_ours_is_refused_even_if_it_looks_alike(iss):
    with pytest.raises(InvalidAccessToken):
        AccessClaims.from_payload(payload(iss=iss), POLICY, NOW)


def test_a_missing_issuer_is_refused():
    with pytest.raises(InvalidAccessToken):
        AccessClaims.from_payload(without("iss"), POLICY, NOW)


@pytest.mark.parametrize("aud", ["other-api", "tessera-api-evil", "tessera", "", None, []])
def test_an_audience_other_than_ours_is_refused(aud):
    with pytest.raises(InvalidAccessToken):
        AccessClaims.from_payload(payload(aud=aud), POLICY, NOW)


def test_an_audience_list_that_contains_ours_is_accepted():
    claims = AccessClaims.from_payload(payload(aud=["other-api", AUDIENCE]), POLICY, NOW)

    assert claims.aud == AUDIENCE


def test_an_audience_list_without_ours_is_refused():
    with pytest.raises(InvalidAccessToken):
        AccessClaims.from_payload(payload(aud=["other-api", "tessera-api-evil"]), POLICY, NOW)


@pytest.mark.parametrize("name", ["exp", "iat", "sub", "jti", "sid", "aud"])
def test_a_payload_missing_a_required_claim_is_refused(name):
    with pytest.raises(InvalidAccessToken):
        AccessClaims.from_payload(without(name), POLICY, NOW)


def test_an_access_token_expired_beyond_the_leeway_is_refused():
    with pytest.raises(InvalidAccessToken):
        AccessClaims.from_payload(payload(exp=T - 30), POLICY, NOW)


def test_an_access_token_expired_within_the_leeway_is_still_accepted():
    assert AccessClaims.from_payload(payload(exp=T - 29), POLICY, NOW).exp == T - 29


@pytest.mark.parametrize("name", ["exp", "iat"])
@pytest.mark.parametrize("value", [str(T + 60), True, False, None, [T + 60]])
def test_a_time_claim_that_is_not_a_number_is_refused(name, value):
    with pytest.raises(InvalidAccessToken):
        AccessClaims.from_payload(payload(**{name: value}), POLICY, NOW)


@pytest.mark.parametrize(
    ("name", "value"),
    [("exp", NAN), ("exp", INF), ("iat", NAN), ("iat", -INF), ("nbf", NAN)],
)
def test_a_time_claim_that_is_not_a_finite_number_is_refused(name, value):
    with pytest.raises(InvalidAccessToken):
        AccessClaims.from_payload(payload(**{name: value}), POLICY, NOW)


def test_an_access_token_issued_in_the_future_beyond_the_leeway_is_refused():
    with pytest.raises(InvalidAccessToken):
        AccessClaims.from_payload(payload(iat=T + 31), POLICY, NOW)


def test_an_access_token_issued_in_the_future_within_the_leeway_is_accepted():
    assert AccessClaims.from_payload(payload(iat=T + 30), POLICY, NOW).iat == T + 30


def test_an_access_token_not_yet_valid_beyond_the_leeway_is_refused():
    with pytest.raises(InvalidAccessToken):
        AccessClaims.from_payload(payload(nbf=T + 31), POLICY, NOW)


def test_an_access_token_valid_from_now_is_accepted():
    assert AccessClaims.from_payload(payload(nbf=T), POLICY, NOW).sub == USER


@pytest.mark.parametrize("value", [str(T), True])
def test_a_not_before_claim_that_is_not_a_number_is_refused(value):
    with pytest.raises(InvalidAccessToken):
        AccessClaims.from_payload(payload(nbf=value), POLICY, NOW)


@pytest.mark.parametrize("name", ["sub", "jti", "sid"])
@pytest.mark.parametrize("value", ["alice", "", "00000000-0000-0000-0000-00000000000g", 1, None])
def test_an_identifier_claim_that_is_not_a_uuid_is_refused(name, value):
    with pytest.raises(InvalidAccessToken):
        AccessClaims.from_payload(payload(**{name: value}), POLICY, NOW)


@pytest.mark.parametrize("roles", ["admin", ["admin", 1], [None], {"admin": True}, None])
def test_roles_that_are_not_a_list_of_strings_are_refused(roles):
    with pytest.raises(InvalidAccessToken):
        AccessClaims.from_payload(payload(roles=roles), POLICY, NOW)
