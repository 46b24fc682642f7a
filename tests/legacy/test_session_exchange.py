"""The migration, end to end: a user logs in the old way on a real Litestar app with server-side
sessions, then exchanges that session's cookie at a live tessera process reading the same store.

Both of Litestar's shared stores: Redis (Debian's redis-server; the user found by id) and the
file store (the user found by email)."""

import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import httpx
import pytest
from litestar.stores.base import Store
from litestar.stores.file import FileStore
from litestar.stores.redis import RedisStore
from litestar.testing import TestClient

from tests.support.http import PASSWORD
from tests.support.legacy_app import LegacyUser, legacy_app
from tests.support.served import environment, serving, upgraded

pytestmark = pytest.mark.served

ROUTE = "/auth/session/exchange"


@dataclass
class Stack:
    tessera: str
    new_store: Callable[[], Store]
    """A store client per legacy app: a Redis client belongs to the event loop that first used it."""
    users: dict[str, str]
    """email -> tessera user id (the legacy app's ids are the same: users were imported with them)."""

    def legacy(self) -> TestClient:  # type: ignore[type-arg]
        table = [LegacyUser.with_password(user_id, email, PASSWORD) for email, user_id in self.users.items()]
        return TestClient(legacy_app(self.new_store(), table))

    def exchange(self, session_id: str) -> httpx.Response:
        """As a server-side caller that read the browser's cookie: the id in the body, the tokens in the answer's."""
        return httpx.post(f"{self.tessera}{ROUTE}", json={"legacy_session_id": session_id}, timeout=10)


@pytest.fixture(scope="module", params=["redis", "file"])
def stack(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """One tessera per store for the module: each test logs in afresh, with sessions of its own."""
    tmp_path = tmp_path_factory.mktemp(f"exchange-{request.param}")
    if request.param == "redis":
        url = request.getfixturevalue("redis_url")
        new_store: Callable[[], Store] = partial(RedisStore.with_client, url)  # Litestar's default namespace
        bridge = {"TESSERA_LEGACY_SESSIONS": url}
    else:
        new_store = partial(FileStore, tmp_path / "sessions", create_directories=True)
        bridge = {
            "TESSERA_LEGACY_SESSIONS": f"file://{tmp_path / 'sessions'}",
            "TESSERA_LEGACY_USER_KEY": "email",
            "TESSERA_LEGACY_USER_LOOKUP": "email",
        }
    env = environment(tmp_path, **bridge)
    upgraded(env, tmp_path)
    with serving(env, tmp_path) as base:
        users = {}
        for email in ("ada@example.com", "grace@example.com"):
            response = httpx.post(f"{base}/auth/register", json={"email": email, "password": PASSWORD}, timeout=10)
            assert response.status_code == 201, response.text
            users[email] = response.json()["id"]
        yield Stack(base, new_store, users)


def log_in_the_old_way(legacy: TestClient, email: str) -> str:  # type: ignore[type-arg]
    response = legacy.post("/login", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    assert legacy.get("/me").json()["email"] == email
    return str(legacy.cookies["session"])


def test_a_legacy_session_is_exchanged_once_for_working_tokens(stack: Stack) -> None:
    with stack.legacy() as ada_browser, stack.legacy() as grace_browser:
        ada_session = log_in_the_old_way(ada_browser, "ada@example.com")
        grace_session = log_in_the_old_way(grace_browser, "grace@example.com")

        response = stack.exchange(ada_session)
        assert response.status_code == 200, response.text
        tokens = response.json()
        with httpx.Client(base_url=stack.tessera, timeout=10) as tessera:
            profile = tessera.get("/api/user/profile", headers={"Authorization": f"Bearer {tokens['access_token']}"})
            assert (profile.json()["id"], profile.json()["email"]) == (
                stack.users["ada@example.com"],
                "ada@example.com",
            )
            assert tessera.post("/auth/refresh", json={"refresh_token": tokens["refresh_token"]}).status_code == 200

        again = stack.exchange(ada_session)
        assert again.status_code == 401
        assert again.headers["www-authenticate"] == 'Cookie realm="tessera", cookie-name="session"'

        assert ada_browser.get("/me").status_code == 401, "the legacy app no longer knows the exchanged cookie"
        assert grace_browser.get("/me").json()["email"] == "grace@example.com", "other sessions are untouched"
        assert grace_browser.cookies["session"] == grace_session


def test_parallel_exchanges_of_one_cookie_succeed_exactly_once(stack: Stack) -> None:
    with stack.legacy() as browser:
        session_id = log_in_the_old_way(browser, "ada@example.com")
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = sorted(pool.map(lambda _: stack.exchange(session_id).status_code, range(8)))
    assert statuses == [200] + [401] * 7


def test_a_legacy_logout_leaves_nothing_to_exchange(stack: Stack) -> None:
    with stack.legacy() as browser:
        session_id = log_in_the_old_way(browser, "ada@example.com")
        assert browser.post("/logout").status_code == 204
    assert stack.exchange(session_id).status_code == 401


def test_the_route_is_absent_from_a_tessera_without_the_bridge(tmp_path: Path) -> None:
    env = environment(tmp_path)
    upgraded(env, tmp_path)
    with serving(env, tmp_path) as base:
        response = httpx.post(f"{base}{ROUTE}", headers={"Cookie": f"session={uuid.uuid4().hex * 2}"}, timeout=10)
        assert response.status_code == 404
        assert ROUTE not in httpx.get(f"{base}/schema/openapi.json", timeout=10).json()["paths"]
