"""The Express application being migrated (tests/e2e/express_app/app.js) as a real Node process.

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
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

from tests.support.ports import PortTaken, ServerDidNotStart, listening, on_a_free_port

APP = Path(__file__).resolve().parents[1] / "e2e" / "express_app"
INSTALL_TIMEOUT = 600


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
            result = subprocess.run(
                command, cwd=folder, capture_output=True, text=True, timeout=INSTALL_TIMEOUT, check=False
            )
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
    modules = node_modules()
    home = workdir / f"express-{hashlib.sha256(json.dumps(secrets).encode()).hexdigest()[:8]}-{time.monotonic_ns()}"
    home.mkdir(parents=True)
    shutil.copyfile(APP / "app.js", home / "app.js")
    shutil.copyfile(APP / "package.json", home / "package.json")
    (home / "node_modules").symlink_to(modules, target_is_directory=True)
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "REDIS_URL": redis_url,
        "USERS_DB": str(users_db),
        "SESSION_SECRETS": json.dumps(secrets),
        "SESSION_PREFIX": prefix,
        "SESSION_MAX_AGE_MS": str(max_age_ms),
        "BCRYPT_COST": "6",
    }
    if disable_ttl:
        env["SESSION_DISABLE_TTL"] = "1"

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


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=15)
