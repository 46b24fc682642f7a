"""A real `tessera` process for the tests: `db upgrade`, then `serve` on a free port of 127.0.0.1
(tests.support.ports: started again on another port if the one picked was taken before it bound)."""

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx

from tests.support.ports import listening, on_a_free_port, uvicorn_bound

REPOSITORY = Path(__file__).resolve().parents[2]
TESSERA = [sys.executable, "-m", "entrypoints.cli.main"]


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
    """`tessera serve` (one worker: tests/operations/test_served_workers.py serves several) until it answers
    /health; its base URL; stopped on exit. Its stdout and stderr go to `log_path` (by default a file
    in `cwd` named by the port)."""

    def command(port: int) -> list[str]:
        return [*TESSERA, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"]

    with running(command, "/health", 200, env=env, cwd=cwd, log_path=log_path) as base:
        yield base


@contextlib.contextmanager
def running(
    command: Callable[[int], list[str]],
    probe: str,
    ready: int,
    *,
    env: dict[str, str],
    cwd: Path,
    log_path: Path | None,
    within: float = 30,
) -> Iterator[str]:
    """A uvicorn server, `command(port)`, on a free port of 127.0.0.1, once it has bound that port and
    `probe` answers the `ready` status within `within` s; its base URL; terminated on exit. Its output goes to
    `log_path` (by default named by the port)."""

    def start(port: int) -> tuple[subprocess.Popen[bytes], int]:
        path = log_path or cwd / f"serve-{port}.log"
        with path.open("w") as log:
            process = subprocess.Popen(command(port), env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT)
        try:
            listening(process, path, uvicorn_bound(port))
        except BaseException:
            stop(process)
            raise
        return process, port

    process, port = on_a_free_port(start)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + within
        while True:
            assert process.poll() is None, (log_path or cwd / f"serve-{port}.log").read_text()
            assert time.monotonic() < deadline, f"{command(port)[:3]} did not answer {probe} within {within} s"
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"{base}{probe}", timeout=1).status_code == ready:
                    break
            time.sleep(0.1)
        yield base
    finally:
        stop(process)


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    process.wait(timeout=15)
