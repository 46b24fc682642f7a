"""A real `tessera` process for the tests: `db upgrade`, then `serve` on a free port of 127.0.0.1."""

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

REPOSITORY = Path(__file__).resolve().parents[2]
TESSERA = [sys.executable, "-m", "entrypoints.cli"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def environment(workdir: Path, **settings: str) -> dict[str, str]:
    """This process's environment without any TESSERA_ setting of its own, on a SQLite file in
    `workdir`, with cheap argon2 parameters, plus the given settings."""
    return {
        **{name: value for name, value in os.environ.items() if not name.startswith("TESSERA_")},
        "PYTHONPATH": str(REPOSITORY),
        "TESSERA_DATABASE_URL": f"sqlite:///{workdir / 'tessera.db'}",
        "TESSERA_ARGON2_TIME_COST": "1",
        "TESSERA_ARGON2_MEMORY_KIB": "1024",
        **settings,
    }


def tessera(*args: str, env: dict[str, str], cwd: Path, input: str | None = None) -> subprocess.CompletedProcess[str]:
    """`tessera ARGS` to completion; `input` is its stdin (else an empty one)."""
    return subprocess.run(
        [*TESSERA, *args], env=env, cwd=cwd, input=input or "", capture_output=True, text=True, timeout=60, check=False
    )


def upgraded(env: dict[str, str], cwd: Path) -> None:
    result = tessera("db", "upgrade", env=env, cwd=cwd)
    assert result.returncode == 0, result.stderr


@contextlib.contextmanager
def serving(env: dict[str, str], cwd: Path, log_path: Path | None = None) -> Iterator[str]:
    """`tessera serve` until it answers /health; its base URL; stopped on exit. Its stdout and stderr
    go to `log_path` (by default a file in `cwd` named by the port)."""
    port = free_port()
    command = [*TESSERA, "serve", "--host", "127.0.0.1", "--port", str(port)]
    with running(command, port, "/health", 200, env=env, cwd=cwd, log_path=log_path) as base:
        yield base


@contextlib.contextmanager
def running(
    command: list[str],
    port: int,
    probe: str,
    ready: int,
    *,
    env: dict[str, str],
    cwd: Path,
    log_path: Path | None,
    within: float = 30,
) -> Iterator[str]:
    """A server process on `port` of 127.0.0.1, once `probe` answers the `ready` status within `within` s;
    its base URL; terminated on exit. Its output goes to `log_path` (by default named by the port)."""
    log_path = log_path or cwd / f"serve-{port}.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(command, env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + within
            while True:
                assert process.poll() is None, log_path.read_text()
                assert time.monotonic() < deadline, f"{command[:3]} did not answer {probe} within {within} s"
                with contextlib.suppress(httpx.TransportError):
                    if httpx.get(f"{base}{probe}", timeout=1).status_code == ready:
                        break
                time.sleep(0.1)
            yield base
        finally:
            process.terminate()
            process.wait(timeout=15)
