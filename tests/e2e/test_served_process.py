"""The real `tessera` command, serving on a free port, driven over HTTP like any client would."""

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.http import PASSWORD


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _tessera(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "entrypoints.cli", *args]
    return subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, timeout=60, check=False)


def _environment(tmp_path: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
        "TESSERA_DATABASE_URL": f"sqlite:///{tmp_path / 'tessera.db'}",
        "TESSERA_ARGON2_TIME_COST": "1",
        "TESSERA_ARGON2_MEMORY_KIB": "1024",
    }
    env.pop("TESSERA_SIGNING_KEY_FILE", None)
    return env


@contextlib.contextmanager
def _serving(env: dict[str, str], cwd: Path) -> Iterator[str]:
    """`tessera serve` on a free port, until it answers /health; stopped on exit."""
    port = _free_port()
    log_path = cwd / f"serve-{port}.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "entrypoints.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            cwd=cwd,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 30
            while True:
                assert process.poll() is None, log_path.read_text()
                assert time.monotonic() < deadline, "tessera serve did not answer /health within 30 s"
                with contextlib.suppress(httpx.TransportError):
                    if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                        break
                time.sleep(0.1)
            yield base
        finally:
            process.terminate()
            process.wait(timeout=15)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    env = _environment(tmp_path)
    upgrade = _tessera("db", "upgrade", env=env, cwd=tmp_path)
    assert upgrade.returncode == 0, upgrade.stderr
    with _serving(env, tmp_path) as base:
        assert (tmp_path / "tessera-dev-signing-key.jwk").exists(), "the dev key is generated on first start"
        yield base


def test_the_whole_lifecycle_against_a_served_process(server: str) -> None:
    with httpx.Client(base_url=server, timeout=10) as http:
        assert http.post("/auth/register", json={"email": "ada@example.com", "password": PASSWORD}).status_code == 201
        first = http.post("/auth/login", json={"email": "ada@example.com", "password": PASSWORD}).json()
        bearer = {"Authorization": f"Bearer {first['access_token']}"}
        assert http.get("/api/user/profile", headers=bearer).json()["email"] == "ada@example.com"

        second = http.post("/auth/refresh", json={"refresh_token": first["refresh_token"]})
        assert second.status_code == 200
        third = http.post("/auth/refresh", json={"refresh_token": second.json()["refresh_token"]})
        assert third.status_code == 200
        rotated = third.json()

        reuse = http.post("/auth/refresh", json={"refresh_token": first["refresh_token"]})
        assert reuse.status_code == 401
        assert http.post("/auth/refresh", json={"refresh_token": rotated["refresh_token"]}).status_code == 401
        rotated_bearer = {"Authorization": f"Bearer {rotated['access_token']}"}
        assert http.get("/api/user/profile", headers=rotated_bearer).status_code == 401

        again = http.post("/auth/login", json={"email": "ada@example.com", "password": PASSWORD}).json()
        again_bearer = {"Authorization": f"Bearer {again['access_token']}"}
        assert http.get("/api/user/profile", headers=again_bearer).status_code == 200
        assert http.post("/auth/logout", headers=again_bearer).status_code == 204
        profile = http.get("/api/user/profile", headers=again_bearer)
        assert profile.status_code == 401
        assert profile.headers["www-authenticate"] == 'Bearer realm="tessera", error="invalid_token"'


def test_a_revocation_survives_a_restart_of_the_process(tmp_path: Path, server: str) -> None:
    """The revocation view is built from storage at start-up: a process started after a logout
    (a restart, or a new replica) still refuses the logged-out access token."""
    with httpx.Client(base_url=server, timeout=10) as http:
        http.post("/auth/register", json={"email": "ada@example.com", "password": PASSWORD})
        tokens = http.post("/auth/login", json={"email": "ada@example.com", "password": PASSWORD}).json()
        bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
        assert http.post("/auth/logout", headers=bearer).status_code == 204
    with _serving(_environment(tmp_path), tmp_path) as second_replica:
        assert httpx.get(f"{second_replica}/api/user/profile", headers=bearer, timeout=5).status_code == 401
