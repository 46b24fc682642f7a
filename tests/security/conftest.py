import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from joserfc.jwk import RSAKey
from litestar.testing import AsyncTestClient

from entrypoints.http.app import create_app
from tests.integration.flows import Client, register
from tests.support.http import settings_for_tests


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[Client]:
    """The app on the in-memory store, started, signing with the development key it finds in `tmp_path`
    (the run's one key, tests.support.http.dev_key_text)."""
    async with AsyncTestClient(create_app(settings_for_tests("memory://", tmp_path))) as test_client:
        yield test_client


@pytest.fixture
def signing_key(tmp_path: Path, client: Client) -> RSAKey:
    """The private key the running app signs with: what a forger would need, and has not got."""
    return RSAKey.import_key(json.loads((tmp_path / "dev-signing-key.jwk").read_text()))


@pytest.fixture
async def user_id(client: Client) -> str:
    """A registered user, so that a token is refused for what it carries, not for whom it names."""
    return str((await register(client))["id"])
