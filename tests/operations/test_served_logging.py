"""`tessera serve --no-access-log` and `--log-level`: uvicorn's options reach every worker it starts."""

import logging
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from entrypoints.cli.main import main
from entrypoints.runtime import serve
from tests.support.served import TESSERA, environment, running, upgraded

pytestmark = pytest.mark.served

STARTED_WITHIN_SECONDS = 120.0  # a worker's start is slow on a loaded machine


@pytest.mark.parametrize("workers", ["1", "2"])
def test_serve_hands_the_log_level_and_the_access_log_switch_to_uvicorn(
    workers: str, monkeypatch: pytest.MonkeyPatch, sqlite_url: str
) -> None:
    ran: list[dict[str, Any]] = []
    monkeypatch.setattr("uvicorn.run", lambda _app, **options: ran.append(options))
    monkeypatch.setenv("TESSERA_DATABASE_URL", sqlite_url)

    assert main(["serve", "--workers", workers, "--log-level", "warning", "--no-access-log"]) == 0
    assert main(["serve", "--workers", workers]) == 0

    assert [(options["log_level"], options["access_log"]) for options in ran] == [("warning", False), ("info", True)]
    assert all(options.get("workers", 1) == int(workers) for options in ran)


def test_a_quieter_log_level_keeps_the_audit_events(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("uvicorn.run", lambda _app, **options: None)
    monkeypatch.setenv("TESSERA_DATABASE_URL", "memory://")

    assert main(["serve", "--log-level", "error"]) == 0

    assert logging.getLogger("tessera.audit").isEnabledFor(logging.INFO)


def test_serve_refuses_a_log_level_uvicorn_does_not_know() -> None:
    with pytest.raises(SystemExit) as usage:
        main(["serve", "--log-level", "verbose"])
    assert usage.value.code == 2 and "trace" in serve.LOG_LEVELS


def test_two_workers_with_no_access_log_log_no_request_but_the_audit_events(tmp_path: Path) -> None:
    env = environment(tmp_path)
    upgraded(env, tmp_path)
    log_path = tmp_path / "serve.log"

    def command(port: int) -> list[str]:
        return [*TESSERA, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2", "--no-access-log"]

    with running(
        command, "/health", 200, env=env, cwd=tmp_path, log_path=log_path, within=STARTED_WITHIN_SECONDS
    ) as base:
        deadline = time.monotonic() + STARTED_WITHIN_SECONDS
        while log_path.read_text().count("Application startup complete.") < 2:
            assert time.monotonic() < deadline, log_path.read_text()
            time.sleep(0.1)
        for _ in range(10):  # new connections: either worker may take each
            assert httpx.get(f"{base}/health", headers={"Connection": "close"}, timeout=10).status_code == 200
        login = {"email": "nobody@example.com", "password": "not a password of anyone"}
        assert httpx.post(f"{base}/auth/login", json=login, timeout=30).status_code == 401

    log = log_path.read_text()
    assert "Application startup complete." in log and '"GET /health' not in log
    assert '"event": "login_failed"' in log  # a worker's own log lines are not lost
