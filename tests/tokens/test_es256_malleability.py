"""ES256 signatures have one spelling: ECDSA's `(r, s)` and `(r, n − s)` both satisfy the curve equation,
so tessera signs only the low one (s ≤ n/2) and refuses the other, as it refuses any other re-encoding."""

import base64
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from litestar.testing import AsyncTestClient

from adapters.crypto.joserfc_token_signer import JoserfcTokenSigner
from adapters.crypto.joserfc_token_verifier import JoserfcTokenVerifier
from adapters.crypto.signing_keys import SigningKeySet, generate_key
from domain.claims import AccessClaims
from entrypoints.http.app import create_app
from tests.support.builders import a_user
from tests.support.flows import Client, log_in, register
from tests.support.http import settings_for_tests

pytestmark = [pytest.mark.anyio, pytest.mark.app]

P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
"""n, the order of the P-256 group (SEC 2, secp256r1)."""
CLAIMS = AccessClaims("https://issuer", "aud", a_user().id, 2_000_000_000, 1_900_000_000, a_user().id, a_user().id, ())


def _signature(token: str) -> bytes:
    part = token.rsplit(".", 1)[1]
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def _s(token: str) -> int:
    return int.from_bytes(_signature(token)[32:], "big")


def with_s_flipped(token: str) -> str:
    """The same token, its signature `(r, s)` replaced by `(r, n − s)`: still a valid ECDSA signature."""
    signing_input, _, _ = token.rpartition(".")
    signature = _signature(token)
    flipped = signature[:32] + (P256_ORDER - _s(token)).to_bytes(32, "big")
    return f"{signing_input}.{base64.urlsafe_b64encode(flipped).rstrip(b'=').decode()}"


@pytest.fixture
async def es256_client(tmp_path: Path) -> AsyncIterator[Client]:
    settings = settings_for_tests("memory://", tmp_path, signing_alg="ES256")
    async with AsyncTestClient(create_app(settings)) as test_client:
        yield test_client


async def test_a_real_es256_token_with_s_flipped_to_n_minus_s_is_refused(es256_client: Client) -> None:
    await register(es256_client)
    for _ in range(4):  # a signer that left high S half the time would show it here
        token = str((await log_in(es256_client))["access_token"])
        flipped = with_s_flipped(token)
        assert flipped != token

        genuine = await es256_client.get("/api/user/profile", headers={"Authorization": f"Bearer {token}"})
        refused = await es256_client.get("/api/user/profile", headers={"Authorization": f"Bearer {flipped}"})

        assert genuine.status_code == 200, genuine.text
        assert refused.status_code == 401, refused.text
        assert refused.headers["www-authenticate"] == 'Bearer realm="tessera", error="invalid_token"'
        assert refused.json()["type"] == "urn:tessera:problem:invalid-token"


def test_every_freshly_signed_es256_token_has_a_low_s_and_verifies() -> None:
    keys = SigningKeySet(generate_key("ES256"), "ES256")
    signer, verifier = JoserfcTokenSigner(keys), JoserfcTokenVerifier(keys)

    tokens = [signer.sign_now(CLAIMS) for _ in range(64)]  # high S half the time, were it left as ECDSA makes it

    assert all(0 < _s(token) <= P256_ORDER // 2 for token in tokens)
    assert all(verifier.verify(token) == CLAIMS.as_payload() for token in tokens)
