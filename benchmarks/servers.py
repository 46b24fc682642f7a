"""The servers the harness measures, each on its own free port of 127.0.0.1, served by uvicorn with the
same settings and the worker count asked for, passed explicitly (one worker too: `tessera serve`'s
default is one worker a core)."""

import contextlib
import hashlib
import os
import secrets
import subprocess
from collections.abc import Iterator
from pathlib import Path

from benchmarks.processes import ROOT, python, server
from benchmarks.tessera_setup import FAST_ARGON2
from deploy.ports import free_port

TESSERA = str(Path(python()).parent / "tessera")
TOKEN_TTL_SECONDS = "10800"
"""Access tokens live 3 h, longer than a whole `just bench` (the minted ones too: population.TOKEN_SECONDS)."""


CLIENT_ID, CLIENT_SECRET = "bench-verifier", secrets.token_urlsafe(32)
"""The trusted client whose revocation feed benchmarks.verifier_app reads; a fresh secret every run."""


def tessera_env(work: Path, database_url: str, fast_argon2: bool = True) -> dict[str, str]:
    env = {
        "TESSERA_OAUTH_CLIENTS": f"{CLIENT_ID}:{hashlib.sha256(CLIENT_SECRET.encode()).hexdigest()}",
        "TESSERA_DATABASE_URL": database_url,
        "TESSERA_DEV_KEY_FILE": str(work / "signing-key.jwk"),
        "TESSERA_PURGE_INTERVAL_SECONDS": "0",
        "TESSERA_ACCESS_TTL_SECONDS": TOKEN_TTL_SECONDS,
    }
    return {**env, **FAST_ARGON2} if fast_argon2 else env


@contextlib.contextmanager
def tessera(
    work: Path, env: dict[str, str], name: str, workers: int = 1, ready: str = "/health"
) -> Iterator[tuple[str, int]]:
    """`tessera serve --workers N`; yields its URL and the pid of the process started (with one
    worker, the server itself)."""
    port = free_port()
    command = [TESSERA, "serve", "--port", str(port), "--workers", str(workers)]
    with server(command, ready, port, work / f"{name}.log", env) as process:
        yield f"http://127.0.0.1:{port}", process.pid


@contextlib.contextmanager
def baseline(work: Path, variant: str, redis_url: str | None = None, workers: int = 1) -> Iterator[tuple[str, int]]:
    """A Litestar app of `benchmarks.baseline_app`, `--workers N` passed to its uvicorn."""
    port = free_port()
    command = [python(), "-m", "benchmarks.baseline_app", variant, str(port), *([redis_url] if redis_url else [])]
    command += ["--workers", str(workers)]
    with server(command, "/ping", port, work / f"{variant}-{workers}.log") as process:
        yield f"http://127.0.0.1:{port}", process.pid


def db_upgrade(env: dict[str, str]) -> None:
    subprocess.run([TESSERA, "db", "upgrade"], cwd=ROOT, env={**os.environ, **env}, check=True, capture_output=True)


@contextlib.contextmanager
def verifier_app(work: Path, tessera_url: str, workers: int = 1) -> Iterator[tuple[str, int]]:
    """benchmarks.verifier_app against the tessera at `tessera_url`, as its trusted client."""
    port = free_port()
    command = [python(), "-m", "benchmarks.verifier_app", tessera_url, str(port), "--workers", str(workers)]
    env = {"TESSERA_BENCH_CLIENT_ID": CLIENT_ID, "TESSERA_BENCH_CLIENT_SECRET": CLIENT_SECRET}
    with server(command, "/ping", port, work / f"verifier-app-{workers}.log", env) as process:
        yield f"http://127.0.0.1:{port}", process.pid
