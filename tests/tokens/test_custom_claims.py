"""A user's custom claims: a JSON object of at most 1 KiB, no reserved name, carried beside tessera's."""

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from domain.claims import AccessClaims
from domain.custom_claims import MAX_ENCODED_BYTES, NO_CLAIMS, RESERVED_NAMES, AllowedClaimNames, CustomClaims
from domain.errors import ClaimNameNotAllowed, InvalidAccessToken, InvalidClaims
from tests.tokens.test_access_claims import AUDIENCE, ISSUER, NOW, POLICY, SESSION, TOKEN, USER, T, payload


def test_claims_are_kept_in_one_canonical_encoding_whatever_the_order_given() -> None:
    first = CustomClaims.parse({"b": 1, "a": ["x", "ü"]})
    assert first == CustomClaims.parse({"a": ["x", "ü"], "b": 1})
    assert first.encoded == '{"a":["x","ü"],"b":1}'
    assert dict(first.as_dict()) == {"a": ["x", "ü"], "b": 1}
    assert not CustomClaims.parse({}) and first


@pytest.mark.parametrize("name", sorted({"iss", "sub", "aud", "exp", "nbf", "iat", "jti", "sid", "roles", "typ"}))
def test_a_registered_or_tesseras_own_name_is_refused(name: str) -> None:
    assert name in RESERVED_NAMES
    with pytest.raises(InvalidClaims, match="reserved"):
        CustomClaims.parse({name: "x", "tenant": "acme"})


@pytest.mark.parametrize("value", [[], "text", 3, None, {"": 1}, {"x": float("nan")}, {"x": {1, 2}}])
def test_anything_but_a_json_object_of_plain_values_is_refused(value: object) -> None:
    with pytest.raises(InvalidClaims):
        CustomClaims.parse(value)


def test_claims_over_one_kibibyte_encoded_are_refused_and_up_to_it_accepted() -> None:
    overhead = len('{"x":""}')
    assert len(CustomClaims.parse({"x": "a" * (MAX_ENCODED_BYTES - overhead)}).encoded) == MAX_ENCODED_BYTES
    with pytest.raises(InvalidClaims):
        CustomClaims.parse({"x": "a" * (MAX_ENCODED_BYTES - overhead + 1)})
    with pytest.raises(InvalidClaims):  # counted in UTF-8 bytes, not characters
        CustomClaims.parse({"x": "é" * (MAX_ENCODED_BYTES // 2)})


def test_an_access_token_carries_the_custom_claims_beside_its_own_and_reads_them_back() -> None:
    custom = CustomClaims.parse({"tenant": "acme", "permissions": ["a"]})
    claims = AccessClaims(ISSUER, AUDIENCE, USER, T + 900, T, TOKEN, SESSION, ("admin",), custom)
    assert claims.as_payload() == {**payload(), "tenant": "acme", "permissions": ["a"]}
    assert AccessClaims.from_payload(claims.as_payload(), POLICY, NOW) == claims


def test_a_token_without_custom_claims_reads_back_with_none() -> None:
    assert not AccessClaims.from_payload(payload(), POLICY, NOW).custom


def test_a_token_whose_extra_claims_break_the_rules_is_refused() -> None:
    with pytest.raises(InvalidAccessToken):
        AccessClaims.from_payload(payload(blob="a" * 2000), POLICY, datetime.fromtimestamp(T, UTC))


def test_the_readme_lists_every_reserved_claim_name_and_no_other() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    listed = re.search(r"none of the reserved claim names `([^`]*)`", readme)
    assert listed is not None, "the README's claims route names the reserved names"
    names = listed.group(1).split()
    assert len(names) == len(set(names)) and set(names) == RESERVED_NAMES


def test_an_allow_list_refuses_every_name_outside_it_by_name_and_without_a_list_allows_all() -> None:
    listed = AllowedClaimNames(frozenset({"tenant"}))
    claims = CustomClaims.parse({"tenant": "acme", "scp": "admin", "email_verified": True})

    with pytest.raises(ClaimNameNotAllowed, match=r"not allowed on this server: email_verified, scp\.$"):
        listed.check(claims)
    listed.check(CustomClaims.parse({"tenant": "acme"}))
    AllowedClaimNames().check(claims)


def test_an_allow_list_issues_only_the_listed_part_of_stored_claims_and_without_a_list_all_of_them() -> None:
    stored = CustomClaims.parse({"tenant": "acme", "permissions": ["*"]})

    assert AllowedClaimNames(frozenset({"tenant", "plan"})).issued(stored) == CustomClaims.parse({"tenant": "acme"})
    assert AllowedClaimNames(frozenset({"other"})).issued(stored) == NO_CLAIMS
    assert AllowedClaimNames().issued(stored) is stored
