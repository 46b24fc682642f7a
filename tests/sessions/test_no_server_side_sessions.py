"""The clean-up, asserted: tessera keeps no server-side session of its own, with or without the bridge.

No session middleware anywhere in the built app, no session store among the main dependencies, and
with the bridge off, not one of its modules (nor a store client) is even imported."""

import json
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar
from litestar.middleware.base import DefineMiddleware
from packaging.requirements import Requirement

from entrypoints.http.app import create_app
from entrypoints.settings.legacy import LegacyBridgeSettings
from tests.support.http import settings_for_tests
from tests.support.served import REPOSITORY

pytestmark = [pytest.mark.app, pytest.mark.served]

SESSION_STORE_PACKAGES = {
    "redis", "valkey", "hiredis", "aioredis", "pymemcache", "aiomcache", "pylibmc",
    "starsessions", "fastapi-sessions", "flask-session", "beaker", "django-redis", "asgi-sessions",
}  # fmt: skip
SESSION_STORE_EXTRAS = {"redis", "valkey"}
"""Litestar's extras that pull in a store client."""
BRIDGE_MODULES = (
    "adapters.legacy",
    "entrypoints.ioc.legacy",
    "entrypoints.http.routes.legacy",
    "application.use_cases.exchange_legacy_session",
)
SESSION_MODULES = ("redis", "valkey", "litestar.middleware.session", "litestar.stores.redis", "litestar.stores.file")


def bridges(tmp_path: Path) -> list[LegacyBridgeSettings | None]:
    return [None, LegacyBridgeSettings(f"file://{tmp_path}/sessions"), LegacyBridgeSettings("redis://127.0.0.1:1/0")]


def middleware_of(app: Litestar) -> list[Any]:
    found = list(app.middleware)
    for route in app.routes:
        for handler in route.route_handlers:  # type: ignore[attr-defined]
            found.extend(handler.resolve_middleware())
    return [m.middleware if isinstance(m, DefineMiddleware) else m for m in found]


@pytest.mark.parametrize("bridge", [0, 1, 2], ids=["bridge-off", "bridge-on-file", "bridge-on-redis"])
def test_no_route_of_tessera_runs_a_session_middleware(tmp_path: Path, bridge: int) -> None:
    app = create_app(settings_for_tests("memory://", tmp_path, legacy_bridge=bridges(tmp_path)[bridge]))
    middleware = middleware_of(app)
    assert middleware, "the walk reaches the protected routes' own middleware"
    for layer in middleware:
        module = getattr(layer, "__module__", "")
        assert not module.startswith(("litestar.middleware.session", "litestar.security.session_auth")), layer
        assert "session" not in getattr(layer, "__name__", "").lower() or module.startswith("entrypoints."), layer
    assert not app.stores._stores, "no Litestar store is registered"


def test_no_session_store_is_a_main_dependency() -> None:
    project = tomllib.loads((REPOSITORY / "pyproject.toml").read_text())["project"]
    for requirement in map(Requirement, project["dependencies"]):
        assert requirement.name.lower() not in SESSION_STORE_PACKAGES, requirement
        assert not (requirement.extras & SESSION_STORE_EXTRAS), requirement
    extra = [Requirement(text).name for text in project["optional-dependencies"]["legacy-redis"]]
    assert extra == ["redis"], "the Redis client comes only with the bridge's optional extra"


PROBE = """
import json, sys
from pathlib import Path
from entrypoints.http.app import create_app
from entrypoints.settings.legacy import LegacyBridgeSettings
from tests.support.http import settings_for_tests
bridge = None if sys.argv[1] == "off" else LegacyBridgeSettings(sys.argv[1])
create_app(settings_for_tests("memory://", Path(sys.argv[2]), legacy_bridge=bridge))
print(json.dumps(sorted(sys.modules)))
"""


def imported_after_create_app(tmp_path: Path, store: str) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, store, str(tmp_path)],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return list(json.loads(result.stdout.splitlines()[-1]))


def test_with_the_bridge_off_none_of_its_modules_nor_a_store_client_is_imported(tmp_path: Path) -> None:
    modules = imported_after_create_app(tmp_path, "off")
    assert "entrypoints.http.app" in modules
    loaded = [m for m in modules if m.startswith(BRIDGE_MODULES + SESSION_MODULES)]
    assert loaded == []


def test_with_the_bridge_on_a_file_store_no_redis_client_is_imported(tmp_path: Path) -> None:
    modules = imported_after_create_app(tmp_path, f"file://{tmp_path}/sessions")
    assert "entrypoints.http.routes.legacy" in modules
    assert [m for m in modules if m.startswith(("redis", "litestar.middleware.session"))] == []
