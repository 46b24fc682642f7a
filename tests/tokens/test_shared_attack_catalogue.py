"""The catalogue the downstream verifier replays (tests/verifier/attacks.py), replayed against tessera itself:
the two sides judge the very same tokens, so their rules cannot drift apart unseen. Each catalogue's control
is accepted; everything else is 401 with the `invalid_token` challenge (the detail is the generic one, but for
an oversized header, refused as a malformed header before any parsing)."""

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from joserfc.jwk import ECKey, RSAKey
from joserfc.jws import JWSRegistry
from litestar.testing import AsyncTestClient

from entrypoints.http.app import create_app
from tests.support.flows import Client, log_in, register
from tests.support.forgery import lenient_b64decode
from tests.support.http import settings_for_tests
from tests.support.token_attacks import INVALID_TOKEN_CHALLENGE, present
from tests.verifier.attacks import acceptances, es256_forgeries, forgeries

pytestmark = [pytest.mark.anyio, pytest.mark.app]


async def refused_as_invalid(client: Client, token: str) -> bool:
    answer = await present(client, token)
    return answer.status_code == 401 and answer.headers["www-authenticate"] == INVALID_TOKEN_CHALLENGE


async def test_tessera_refuses_every_rs256_forgery_of_the_catalogue_the_verifier_replays(
    client: Client, signing_key: RSAKey, user_id: str
) -> None:
    tokens = forgeries(signing_key, user_id, str((await log_in(client))["access_token"]))
    assert (await present(client, tokens.pop("control"))).status_code == 200
    assert [name for name, token in tokens.items() if not await refused_as_invalid(client, token)] == []


async def test_tessera_accepts_every_token_of_the_catalogue_at_the_edges_of_its_rules(
    client: Client, signing_key: RSAKey, user_id: str
) -> None:
    tokens = acceptances(signing_key, user_id)
    assert [name for name, token in tokens.items() if (await present(client, token)).status_code != 200] == []


@pytest.fixture
async def es256_client(tmp_path: Path) -> AsyncIterator[Client]:
    async with AsyncTestClient(create_app(settings_for_tests("memory://", tmp_path, signing_alg="ES256"))) as client:
        yield client


async def test_tessera_accepts_the_catalogues_low_s_es256_token_and_refuses_its_other_spellings(
    es256_client: Client, tmp_path: Path
) -> None:
    """The high-S twin is a valid ECDSA signature (checked here), refused by tessera's rule alone, as by the
    verifier's (tests/verifier/test_token_rules.py, the same catalogue)."""
    user_id = str((await register(es256_client))["id"])
    key = ECKey.import_key(json.loads((tmp_path / "dev-signing-key.jwk").read_text()))
    tokens = es256_forgeries(key, user_id)
    signing_input, _, signature = tokens["high S: the control's s replaced by n - s"].rpartition(".")
    assert JWSRegistry.algorithms["ES256"].verify(signing_input.encode(), lenient_b64decode(signature), key)

    assert (await present(es256_client, tokens.pop("control"))).status_code == 200
    assert [name for name, token in tokens.items() if not await refused_as_invalid(es256_client, token)] == []
