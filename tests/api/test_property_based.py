"""Properties that hold for every input an attacker can choose, searched for counter-examples by hypothesis.

Hypothesis cannot use function-scoped pytest fixtures, so each HTTP property starts one app per test
function, outside `@given`, and runs its examples against it through a synchronous client.
"""

import json
import math
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from litestar.testing import TestClient

from adapters.crypto.joserfc_token_verifier import JoserfcTokenVerifier
from adapters.crypto.signing_keys import SigningKeySet
from domain.claims import AccessClaims
from domain.errors import InvalidAccessToken
from domain.policy import TokenPolicy
from entrypoints.http.app import create_app
from tests.support.forgery import AUDIENCE, ISSUER, attacker_rsa_key, header_for, signed
from tests.support.http import PASSWORD, settings_for_tests
from tests.support.strategies import (
    authorization_values,
    claim_dicts,
    claims_near,
    header_dicts,
    json_values,
    token_strings,
)

pytestmark = pytest.mark.app

FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
POLICY = TokenPolicy(issuer=ISSUER, audience=AUDIENCE)


@contextmanager
def running_app(key_dir: Path) -> Iterator[TestClient]:  # type: ignore[type-arg]
    with TestClient(create_app(settings_for_tests("memory://", key_dir))) as client:
        yield client


def assert_problem(response: httpx.Response, *statuses: int) -> dict[str, Any]:
    assert response.status_code in statuses, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = dict(response.json())
    assert set(body) - {"invalid_params"} == {"type", "title", "status", "detail"}
    assert body["status"] == response.status_code
    for param in body.get("invalid_params", []):  # a 400 names the fields that caused it
        assert set(param) == {"name", "in", "reason"} and all(isinstance(v, str) and v for v in param.values())
    return body


def test_any_authorization_header_gets_a_400_or_401_problem_never_a_server_error(tmp_path: Path) -> None:
    with running_app(tmp_path) as client:

        @FUZZ
        @given(value=authorization_values)
        def presented(value: bytes) -> None:
            response = client.get("/api/user/profile", headers={"Authorization": value})
            assert_problem(response, 400, 401)
            if response.status_code == 401:
                assert response.headers["www-authenticate"].startswith('Bearer realm="tessera"')

        presented()


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


REGISTERED = {"email": "ada@example.com", "password": PASSWORD}
REFUSALS = {
    400: None,
    401: None,
    403: "urn:tessera:problem:csrf",  # `transport: cookie` without the CSRF header and origin
    429: "urn:tessera:problem:login-throttled",  # failed logins counted per account and per address
}
"""What a body can earn besides success, with the problem type each of the last two must carry."""


def request_bodies(
    required: dict[str, st.SearchStrategy[object]], optional: dict[str, st.SearchStrategy[object]]
) -> st.SearchStrategy[object]:
    """Any JSON; well-formed objects of the route's own fields, to reach the use case; objects of its fields
    with likely or arbitrary values; and objects of its fields and strays mapped to anything."""
    fields = required | optional
    return st.one_of(
        json_values,
        st.fixed_dictionaries(required, optional=optional),
        st.fixed_dictionaries({}, optional={name: likely | json_values for name, likely in fields.items()}),
        st.dictionaries(st.sampled_from(list(fields)) | st.text(max_size=8), json_values),
    )


TRANSPORTS = st.sampled_from(["bearer", "cookie", "Cookie", ""])
LOGIN_FIELDS = {"email": st.just(REGISTERED["email"]) | st.text(), "password": st.text()}


@pytest.mark.parametrize(
    ("path", "bodies", "statuses"),
    [
        ("/auth/login", request_bodies(LOGIN_FIELDS, {"transport": TRANSPORTS}), (400, 401, 403, 429)),
        ("/auth/refresh", request_bodies({}, {"refresh_token": st.text(), "transport": TRANSPORTS}), (400, 401, 403)),
    ],
    ids=["login", "refresh"],
)
def test_any_json_body_to_login_or_refresh_gets_a_refusal_problem_never_a_server_error(
    tmp_path: Path, path: str, bodies: st.SearchStrategy[object], statuses: tuple[int, ...]
) -> None:
    with running_app(tmp_path) as client:
        assert client.post("/auth/register", json=REGISTERED).status_code == 201

        @FUZZ
        @given(body=bodies)
        def posted(body: object) -> None:
            if isinstance(body, dict) and body.get("password") == PASSWORD:
                return  # perhaps the one body that rightly succeeds
            # Serialised here: httpx refuses NaN and infinities, which an attacker's client sends happily.
            response = client.post(path, content=json.dumps(body), headers={"Content-Type": "application/json"})
            problem = assert_problem(response, *statuses)
            assert REFUSALS[response.status_code] in (None, problem["type"])
            if response.status_code == 429:
                assert int(response.headers["retry-after"]) > 0

        posted()


@pytest.mark.parametrize("path", ["/auth/register", "/auth/login", "/auth/refresh"])
def test_a_deeply_nested_json_body_is_a_400_problem(tmp_path: Path, path: str) -> None:
    with running_app(tmp_path) as client:
        body = b"[" * 5000 + b"]" * 5000
        response = client.post(path, content=body, headers={"Content-Type": "application/json"})
        assert_problem(response, 400)
