"""`tessera serve --workers 2` with TESSERA_METRICS_ADDRESS: one listener of the serving process shows
the metrics of both workers, and the API's port has no /metrics."""

import re
import time
from pathlib import Path

import httpx
import pytest

from deploy.ports import free_port
from tests.support.http import PASSWORD
from tests.support.served import TESSERA, environment, running, upgraded

pytestmark = pytest.mark.served

STARTED_WITHIN_SECONDS = 120.0
"""A worker's start is slow on a loaded machine (20 s and more seen on a shared 2-core one)."""


def _worker_pids(log: str) -> set[str]:
    return set(re.findall(r"Started server process \[(\d+)\]", log))


def _synced_pids(metrics: str) -> set[str]:
    """The workers whose revocation-view sync time the listener shows (a live gauge, one sample a worker)."""
    return set(re.findall(r'tessera_revocation_view_synced_timestamp_seconds\{pid="(\d+)"\} [1-9]', metrics))


def test_one_metrics_listener_shows_both_workers_and_the_api_port_has_no_metrics(tmp_path: Path) -> None:
    env = environment(tmp_path, TESSERA_REVOCATION_POLL_SECONDS="1")
    upgraded(env, tmp_path)
    log_path = tmp_path / "serve.log"
    metrics_ports: list[int] = []

    def command(port: int) -> list[str]:
        metrics_ports.append(free_port())  # a fresh one whenever a taken port makes `running` start again
        address = f"TESSERA_METRICS_ADDRESS=127.0.0.1:{metrics_ports[-1]}"
        return ["env", address, *TESSERA, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2"]

    with running(
        command, "/health", 200, env=env, cwd=tmp_path, log_path=log_path, within=STARTED_WITHIN_SECONDS
    ) as base:
        metrics_url = f"http://127.0.0.1:{metrics_ports[-1]}/metrics"
        with httpx.Client(base_url=base, timeout=10) as http:
            assert (
                http.post("/auth/register", json={"email": "ada@example.com", "password": PASSWORD}).status_code == 201
            )
            assert http.post("/auth/login", json={"email": "ada@example.com", "password": PASSWORD}).status_code == 200
            assert http.get("/metrics").status_code == 404

        deadline = time.monotonic() + STARTED_WITHIN_SECONDS
        while True:
            workers = _worker_pids(log_path.read_text())
            metrics = httpx.get(metrics_url, timeout=10)
            assert metrics.status_code == 200
            if len(workers) == 2 and _synced_pids(metrics.text) == workers:
                break
            assert time.monotonic() < deadline, (workers, metrics.text)
            time.sleep(0.2)

        assert 'tessera_security_events_total{kind="login_succeeded"} 1.0' in metrics.text
        assert "tessera_revocation_view_age_seconds" in metrics.text
