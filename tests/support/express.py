"""The Express application being migrated (tests/legacy/express_app/app.js) as a real Node process.

Its packages are installed by the tests themselves, with `npm ci` from the committed package-lock.json
(exact versions, checked against their integrity hashes) into a cache folder outside the repository,
one folder per lock file, so that the install happens once per machine and never in the fast tests.
`node` and `npm` must be on PATH; missing means the tests fail, they are never skipped.
"""

import contextlib
import fcntl
import hashlib
import json
import os
import select
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

from tests.support.ports import PortTaken, ServerDidNotStart, listening, on_a_free_port

APP = Path(__file__).resolve().parents[1] / "legacy" / "express_app"
INSTALL_TIMEOUT = 100
"""Seconds for `npm ci`: within pytest's 120 s a test, so that a slow registry fails with npm's output."""


class NodeUnavailable(RuntimeError):
    pass


def cache_root() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "tessera-tests"


def node_modules() -> Path:
    """The app's packages, installed once per lock file (a lock file serialises parallel runs)."""
    for tool in ("node", "npm"):
        if shutil.which(tool) is None:
            raise NodeUnavailable(f"no {tool} on PATH: install Node.js (18.19 or later) and npm")
    lock = (APP / "package-lock.json").read_bytes()
    folder = cache_root() / f"express-app-{hashlib.sha256((APP / 'package.json').read_bytes() + lock).hexdigest()[:16]}"
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / ".lock").open("w") as guard:
        fcntl.flock(guard, fcntl.LOCK_EX)
        done = folder / ".installed"
        if not done.exists():
            for name in ("package.json", "package-lock.json"):
                shutil.copyfile(APP / name, folder / name)
            command = ["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"]
            try:
                result = subprocess.run(
                    command, cwd=folder, capture_output=True, text=True, timeout=INSTALL_TIMEOUT, check=False
                )
            except subprocess.TimeoutExpired:
                raise NodeUnavailable(f"`npm ci` of the Express app took over {INSTALL_TIMEOUT} s") from None
            if result.returncode != 0:
                raise NodeUnavailable(f"`npm ci` of the Express app failed:\n{result.stdout}{result.stderr}")
            done.touch()
    return folder / "node_modules"


@contextlib.contextmanager
def running_express(
    workdir: Path,
    redis_url: str,
    secrets: list[str],
    *,
    users_db: Path,
    prefix: str = "sess:",
    max_age_ms: int = 3_600_000,
    disable_ttl: bool = False,
) -> Iterator[str]:
    """The app on a free port of 127.0.0.1 until it answers /health; its base URL; stopped on exit.
    Its own folder in `workdir` holds app.js beside a link to the installed packages."""
    home = _home(workdir)
    env = {
        **_session_settings(redis_url, secrets, prefix, disable_ttl),
        "USERS_DB": str(users_db),
        "SESSION_MAX_AGE_MS": str(max_age_ms),
        "BCRYPT_COST": "6",
    }

    def start(port: int) -> tuple[subprocess.Popen[bytes], int]:
        log_path = home / f"express-{port}.log"
        with log_path.open("w") as log:
            process = subprocess.Popen(
                ["node", "app.js"], env={**env, "PORT": str(port)}, cwd=home, stdout=log, stderr=subprocess.STDOUT
            )
        try:
            listening(process, log_path, f"listening on 127.0.0.1:{port} ", within=30)
        except BaseException:
            _stop(process)
            raise
        return process, port

    try:
        process, port = on_a_free_port(start)
    except (PortTaken, ServerDidNotStart) as error:
        raise NodeUnavailable(f"the Express app did not start: {error}") from None
    base = f"http://127.0.0.1:{port}"
    try:
        assert httpx.get(f"{base}/health", timeout=10).status_code == 200
        yield base
    finally:
        _stop(process)


class ExpressSessionWriter:
    """store.js: sessions written and read by express-session's own objects on connect-redis."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self._process = process

    def request(self, message: dict[str, Any]) -> dict[str, Any]:
        stdin, stdout = self._process.stdin, self._process.stdout
        assert stdin is not None and stdout is not None
        stdin.write(json.dumps(message) + "\n")
        stdin.flush()
        answer = _line(self._process, within=15)
        assert "error" not in answer, answer["error"]
        return answer

    def put(
        self, session_id: str, data: dict[str, Any], max_age_ms: int | None = 3_600_000, secret: str | None = None
    ) -> str:
        """The session stored as express-session saves it; the `connect.sid` cookie's value for it,
        signed with the app's first secret, or with `secret` (as an app of another secret would)."""
        put = {"sid": session_id, "data": data, "maxAgeMs": max_age_ms}
        return str(self.request({"put": put if secret is None else {**put, "secret": secret}})["cookie"])

    def cookie(self, session_id: str) -> str:
        """The `connect.sid` cookie's value express-session sets for this id."""
        return str(self.request({"sign": session_id})["cookie"])

    def get(self, session_id: str) -> dict[str, Any] | None:
        """The session as express-session would load it for a request, or None."""
        found: dict[str, Any] | None = self.request({"get": session_id})["session"]
        return found


@contextlib.contextmanager
def running_session_writer(
    workdir: Path, redis_url: str, secrets: list[str], *, prefix: str = "sess:", disable_ttl: bool = False
) -> Iterator[ExpressSessionWriter]:
    home = _home(workdir)
    with (home / "store.log").open("w") as log:
        process = subprocess.Popen(
            ["node", "store.js"],
            env=_session_settings(redis_url, secrets, prefix, disable_ttl),
            cwd=home,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
        )
    try:
        assert _line(process, within=30) == {"ready": True}
        yield ExpressSessionWriter(process)
    finally:
        _stop(process)


def _line(process: subprocess.Popen[str], within: float) -> dict[str, Any]:
    """The next line the process answers, within `within` s."""
    assert process.stdout is not None
    ready, _, _ = select.select([process.stdout], [], [], within)
    line = process.stdout.readline() if ready else ""
    assert line, f"store.js did not answer within {within} s (exit code {process.poll()})"
    answer: dict[str, Any] = json.loads(line)
    return answer


def _session_settings(redis_url: str, secrets: list[str], prefix: str, disable_ttl: bool) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "REDIS_URL": redis_url,
        "SESSION_SECRETS": json.dumps(secrets),
        "SESSION_PREFIX": prefix,
        "SESSION_DISABLE_TTL": "1" if disable_ttl else "0",
    }


def _home(workdir: Path) -> Path:
    """A folder of its own for one Node process: the scripts beside a link to the installed packages."""
    modules = node_modules()
    home = workdir / f"express-{time.monotonic_ns()}"
    home.mkdir(parents=True)
    for name in ("app.js", "store.js", "package.json"):
        shutil.copyfile(APP / name, home / name)
    (home / "node_modules").symlink_to(modules, target_is_directory=True)
    return home


def _stop(process: subprocess.Popen[Any]) -> None:
    if process.stdin is not None:
        process.stdin.close()
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=15)
    if process.stdout is not None:
        process.stdout.close()
