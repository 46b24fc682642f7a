"""Reading `Authorization: Bearer <token>` (RFC 6750 §2.1) and the refusal every integration answers."""

import json

import pytest
from tessera_verifier import InvalidToken
from tessera_verifier.http_edge import MISSING, bearer_token, refusal

pytestmark = pytest.mark.app


@pytest.mark.parametrize("header", ["Bearer abc.def.ghi", "bearer abc.def.ghi", "BEARER  abc.def.ghi "])
def test_the_token_is_read_whatever_the_case_of_the_scheme(header: str) -> None:
    assert bearer_token(header) == "abc.def.ghi"


@pytest.mark.parametrize("header", [None, "Basic dXNlcjpwYXNz", "Token abc", ""])
def test_no_bearer_credentials_is_a_missing_token_without_an_error_code(header: str | None) -> None:
    with pytest.raises(InvalidToken) as raised:
        bearer_token(header)
    assert raised.value is MISSING and raised.value.error == ""


@pytest.mark.parametrize("header", ["Bearer", "Bearer ", "Bearer a b"])
def test_a_malformed_bearer_header_is_an_invalid_token(header: str) -> None:
    with pytest.raises(InvalidToken) as raised:
        bearer_token(header)
    assert raised.value.error == "invalid_token"


def test_a_refusal_is_problem_json_with_the_challenge_and_no_store() -> None:
    answer = refusal(InvalidToken(), "orders")
    headers = dict(answer.headers)
    assert answer.status == 401
    assert headers["www-authenticate"] == 'Bearer realm="orders", error="invalid_token"'
    assert headers["content-type"] == "application/problem+json" and headers["cache-control"] == "no-store"
    assert json.loads(answer.body)["status"] == 401
    assert refusal(InvalidToken("insufficient_scope", "x"), "orders").status == 403
