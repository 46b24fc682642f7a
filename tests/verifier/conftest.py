from collections.abc import Iterator

import httpx
import pytest
from joserfc.jwk import RSAKey
from tessera_verifier import Verifier

from tests.verifier.fake_tessera import AUDIENCE, BASE, CLIENT_ID, CLIENT_SECRET, ISSUER, FakeTessera, rsa_key

_KEY: list[RSAKey] = []


@pytest.fixture
def key() -> RSAKey:
    """tessera's signing key (one for the whole run: RSA key generation is slow)."""
    if not _KEY:
        _KEY.append(rsa_key())
    return _KEY[0]


@pytest.fixture
def tessera(key: RSAKey) -> FakeTessera:
    return FakeTessera(keys=[(key, "RS256")])


def verifier_for(tessera: FakeTessera, **options: object) -> Verifier:
    transport = httpx.MockTransport(tessera.handle)
    return Verifier(
        ISSUER,
        AUDIENCE,
        f"{BASE}/.well-known/jwks.json",
        http_client=httpx.Client(transport=transport),
        async_http_client=httpx.AsyncClient(transport=transport),
        **options,  # type: ignore[arg-type]
    )


@pytest.fixture
def verifier(tessera: FakeTessera) -> Iterator[Verifier]:
    with verifier_for(tessera) as verifier:
        yield verifier


@pytest.fixture
def watching_verifier(tessera: FakeTessera) -> Iterator[Verifier]:
    """With the revocation feed, read every 50 ms, stale after 2 s (40 polls: a loaded machine's late poll is
    not an outage)."""
    options = {"revocations_url": f"{BASE}/oauth/revocations", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}
    with verifier_for(tessera, poll_interval=0.05, stale_after_polls=40, **options) as verifier:
        yield verifier
