"""The storage registry: a backend added the way docs/jwt-implementation-design.md §9 says (here the
toy pickle-file store of tests/support/toy_storage.py) works with the whole CLI, and a backend with
no schema never meets Alembic."""

import base64
import io
import logging
import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from entrypoints.backends.registry import BACKENDS
from entrypoints.cli import exit_codes
from entrypoints.cli.main import main
from entrypoints.runtime.serve import default_workers
from entrypoints.settings.environment import ConfigError
from entrypoints.settings.reader import settings_from_env
from tests.support.toy_storage import PICKLE_FILE_BACKEND

pytestmark = pytest.mark.app

Cli = Callable[..., tuple[int, str, str]]


@pytest.fixture
def registered(monkeypatch: pytest.MonkeyPatch) -> None:
    """The toy backend's one registry entry, as its author would add it to `BACKENDS`."""
    monkeypatch.setattr("entrypoints.backends.registry.BACKENDS", (*BACKENDS, PICKLE_FILE_BACKEND))


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Cli:
    """`tessera ARGS` in this process: exit code, stdout, stderr (what the command prints, not what it logs:
    a handler an earlier test's app left on the root logger writes to that test's closed capture, and
    its "Logging error" would land in this one's stderr)."""
    monkeypatch.setattr(logging.getLogger(), "handlers", [logging.NullHandler()])

    def run(*args: str, stdin: str = "") -> tuple[int, str, str]:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        code = main(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    return run


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[dict[str, Any]]:
    """What `uvicorn.run` was asked to serve, in place of serving it. The app is not built either:
    Litestar's logging set-up would outlive the test, writing to its closed capture of stderr."""
    monkeypatch.chdir(tmp_path)  # the development signing key is made here
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr("entrypoints.http.app.create_app", lambda settings, *overrides: "the app")
    monkeypatch.setattr("uvicorn.run", lambda app, **options: calls.append({"app": app, **options}))
    return calls


def test_a_scheme_is_accepted_once_its_backend_is_registered(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    url = f"pickle://{tmp_path / 'store.pickle'}"
    with pytest.raises(ConfigError, match="sqlite://, postgresql:// or memory:// URL"):
        settings_from_env({"TESSERA_DATABASE_URL": url})

    monkeypatch.setattr("entrypoints.backends.registry.BACKENDS", (*BACKENDS, PICKLE_FILE_BACKEND))

    assert settings_from_env({"TESSERA_DATABASE_URL": url}).database_url == url
    with pytest.raises(ConfigError, match="sqlite://, postgresql://, memory:// or pickle:// URL"):
        settings_from_env({"TESSERA_DATABASE_URL": "mysql://somewhere/db"})


@pytest.mark.parametrize("url", ["pickle://{}/store.pickle", "memory://"])
def test_db_upgrade_and_check_on_a_backend_without_a_schema_say_so_in_one_line_and_succeed(
    registered: None, cli: Cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, url: str
) -> None:
    monkeypatch.setenv("TESSERA_DATABASE_URL", url.format(tmp_path))
    for command in ("upgrade", "check"):
        code, out, err = cli("db", command)
        assert (code, err) == (0, "")
        assert out.count("\n") == 1 and "has no schema to migrate" in out
    assert list(tmp_path.iterdir()) == []  # nothing was migrated, nothing opened


def test_the_users_keys_and_purge_commands_work_on_a_registered_backend(
    registered: None, cli: Cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("TESSERA_DATABASE_URL", f"pickle://{tmp_path / 'store.pickle'}")
    monkeypatch.setenv("TESSERA_KEY_ENCRYPTION_KEY", base64.b64encode(secrets.token_bytes(32)).decode())
    monkeypatch.setenv("TESSERA_ISSUER", "https://auth.example.com")  # else every command warns that it is unset

    assert cli("users", "create", "ada@example.com", "--role", "admin", stdin="correct horse battery\n")[0] == 0
    assert cli("keys", "rotate", "--now")[0] == 0
    code, out, _ = cli("users", "list")
    assert code == 0 and "ada@example.com" in out and "admin" in out
    code, out, _ = cli("keys", "list")
    assert code == 0 and "signing" in out
    assert cli("purge") == (0, "tessera: purged 0 expired rows\n", "")


def test_serve_on_a_backend_without_a_schema_checks_no_migrations(
    registered: None, served: list[dict[str, Any]], cli: Cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("TESSERA_DATABASE_URL", f"pickle://{tmp_path / 'empty' / 'store.pickle'}")
    (tmp_path / "empty").mkdir()

    assert cli("serve", "--workers", "1")[0] == 0  # an unmigrated SQL database would stop here (exit 78)
    assert len(served) == 1 and "workers" not in served[0]
    assert list((tmp_path / "empty").iterdir()) == []


def test_a_store_that_lives_in_one_process_serves_one_worker_and_refuses_more_or_the_cli_beside_it(
    served: list[dict[str, Any]], cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TESSERA_DATABASE_URL", "memory://")

    assert cli("serve")[0] == 0
    assert len(served) == 1 and "workers" not in served[0]  # not one per CPU
    code, _, err = cli("serve", "--workers", "2")
    assert code == 2 and err.count("\n") == 1 and "lives in one process" in err
    for command in (["users", "list"], ["purge"], ["keys", "list"]):
        code, _, err = cli(*command)
        assert code == exit_codes.CONFIG and err.count("\n") == 1 and "lives inside `tessera serve`" in err


def test_a_shared_store_serves_one_worker_a_cpu_by_default(
    served: list[dict[str, Any]], cli: Cli, monkeypatch: pytest.MonkeyPatch, sqlite_url: str
) -> None:
    monkeypatch.setenv("TESSERA_DATABASE_URL", sqlite_url)

    assert cli("serve")[0] == 0
    assert served[0].get("workers", 1) == default_workers()
    # The workers' private directories are named only for them: nothing started later inherits them.
    assert "PROMETHEUS_MULTIPROC_DIR" not in os.environ
    assert "TESSERA_WORKER_SOCKETS" not in os.environ
