"""The app in process on a test client: the fixtures of every test that drives tessera over HTTP."""

import json
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path

import pytest
from joserfc.jwk import RSAKey
from litestar.testing import AsyncTestClient

from entrypoints.http.app import create_app
from tests.support.cookies import OWN_ORIGIN
from tests.support.flows import Client, log_in, register
from tests.support.http import settings_for_tests
from tests.support.oauth import CLIENT

ClientFactory = Callable[..., AbstractAsyncContextManager[AsyncTestClient]]  # type: ignore[type-arg]


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[AsyncTestClient]:  # type: ignore[type-arg]
    """The app on the in-memory store, started: fast, and the same use cases and HTTP edge as production. It signs
    with the development key it finds in `tmp_path` (the run's one key, tests.support.http.dev_key_text)."""
    async with AsyncTestClient(create_app(settings_for_tests("memory://", tmp_path))) as test_client:
        yield test_client


@pytest.fixture
def start_browser_client(tmp_path: Path) -> ClientFactory:
    """Apps on the in-memory store, with the given settings, as a browser at tessera's own https origin sees them."""

    @asynccontextmanager
    async def start(**settings: object) -> AsyncIterator[Client]:
        app = create_app(settings_for_tests("memory://", tmp_path, **settings))
        async with AsyncTestClient(app, base_url=OWN_ORIGIN) as client:
            yield client

    return start


@pytest.fixture
async def browser(start_browser_client: ClientFactory) -> AsyncIterator[Client]:
    async with start_browser_client() as client:
        yield client


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def any_storage_client(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[AsyncTestClient]:  # type: ignore[type-arg]
    """The app on each storage adapter in turn."""
    url = "memory://"
    if request.param != "memory":
        url = request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "clean_postgres_url")
    async with AsyncTestClient(create_app(settings_for_tests(url, tmp_path))) as test_client:
        yield test_client


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def oauth_client(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[AsyncTestClient]:  # type: ignore[type-arg]
    """The app on each storage adapter in turn, with one trusted backend client (tests.support.oauth)."""
    url = "memory://"
    if request.param != "memory":
        url = request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "clean_postgres_url")
    async with AsyncTestClient(create_app(settings_for_tests(url, tmp_path, oauth_clients=(CLIENT,)))) as test_client:
        yield test_client


@pytest.fixture
def signing_key(tmp_path: Path, client: Client) -> RSAKey:
    """The private key the running app signs with: what a forger would need, and has not got."""
    return RSAKey.import_key(json.loads((tmp_path / "dev-signing-key.jwk").read_text()))


@pytest.fixture
async def user_id(client: Client) -> str:
    """A registered user, so that a token is refused for what it carries, not for whom it names."""
    return str((await register(client))["id"])


@pytest.fixture
async def issued(client: Client, user_id: str) -> str:
    """An access token the app itself issued, through a real login."""
    return str((await log_in(client))["access_token"])
