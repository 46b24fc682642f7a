"""What the token attack tests share: how a token is presented, what every refusal looks like, and
the malformed values that the verifier's catalogue (tests/verifier/attacks.py) replays too."""

import json
import time
from typing import Any

import httpx
import pytest

from adapters.crypto.joserfc_token_verifier import JoserfcTokenVerifier
from tests.support.flows import Client
from tests.support.forgery import (
    claims,
    lenient_b64decode,
)

GENERIC_DETAIL = "The access token is invalid or expired."
INVALID_TOKEN_CHALLENGE = 'Bearer realm="tessera", error="invalid_token"'
NOW = int(time.time())


async def present(client: Client, token: str) -> httpx.Response:
    return await client.get("/api/user/profile", headers={"Authorization": f"Bearer {token}"})


def assert_refused(
    response: httpx.Response, detail: str = GENERIC_DETAIL, problem: str = "urn:tessera:problem:invalid-token"
) -> None:
    assert response.status_code == 401, response.text
    assert response.headers["www-authenticate"] == INVALID_TOKEN_CHALLENGE
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["type"] == problem
    assert body["detail"] == detail


def raw_payload(user_id: str, name: str, raw_json_value: str) -> str:
    """The genuine claims as JSON text with `name` set to `raw_json_value` verbatim (`1e309`, `NaN`, ...)."""
    text = json.dumps(claims(user_id, **{name: "\0raw\0"}))
    return text.replace(json.dumps("\0raw\0"), raw_json_value)


def sid_of(access_token: str) -> str:
    return str(json.loads(lenient_b64decode(access_token.split(".")[1]))["sid"])


LOOKALIKE_ISSUERS = [
    "https://auth.tessera.test.evil",
    "https://auth.tessera.tes",
    "https://auth.tessera.test/",
    "https://auth.tessera.test.",
    "HTTPS://AUTH.TESSERA.TEST",
    "http://auth.tessera.test",
    "https://auth.tessera.test\u0000",
    "https://evil.example/https://auth.tessera.test",
    ["https://auth.tessera.test"],
    None,
    ...,
]


BEYOND_FLOAT = "1" + "0" * 400
MALFORMED_NUMBERS = [
    '"4102444800"',
    "true",
    "false",
    "null",
    "NaN",
    "Infinity",
    "-Infinity",
    "1e309",
    "-1e309",
    "[1]",
    "{}",
]


def counting_deserialisations(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the calls into the token verifier, where all parsing and cryptography begin."""
    calls: list[int] = []
    real = JoserfcTokenVerifier.verify

    def counting(self: JoserfcTokenVerifier, token: str) -> Any:
        calls.append(1)
        return real(self, token)

    monkeypatch.setattr(JoserfcTokenVerifier, "verify", counting)
    return calls
