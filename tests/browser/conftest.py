"""A real `tessera serve` and Debian's Chromium, driven by Playwright (never `playwright install`)."""

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
from playwright.sync_api import Browser, Playwright, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ACCESS_TTL_SECONDS = 3
REPOSITORY = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _environment(tmp_path: Path) -> dict[str, str]:
    env = {
        **{name: value for name, value in os.environ.items() if not name.startswith("TESSERA_")},
        "PYTHONPATH": str(REPOSITORY),
        "TESSERA_DATABASE_URL": f"sqlite:///{tmp_path / 'tessera.db'}",
        "TESSERA_ACCESS_TTL_SECONDS": str(ACCESS_TTL_SECONDS),
        "TESSERA_LEEWAY_SECONDS": "0",
        "TESSERA_ARGON2_TIME_COST": "1",
        "TESSERA_ARGON2_MEMORY_KIB": "1024",
    }
    return env


@pytest.fixture(scope="module")
def tessera(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`tessera db upgrade`, then `tessera serve` on a free port of 127.0.0.1 until /health answers.
    One server a module: each test signs up its own user."""
    tmp_path = tmp_path_factory.mktemp("tessera")
    env = _environment(tmp_path)
    command = [sys.executable, "-m", "entrypoints.cli"]
    upgrade = subprocess.run(
        [*command, "db", "upgrade"], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False
    )
    assert upgrade.returncode == 0, upgrade.stderr
    port = _free_port()
    log_path = tmp_path / "serve.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [*command, "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            cwd=tmp_path,
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


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    """Module-scoped: the sync driver keeps an event loop running in this thread while it is open,
    which would stop every async test after it."""
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="module")
def chromium(playwright: Playwright) -> Iterator[Browser]:
    """Debian's Chromium. Missing means failed, never skipped: `bash .ci/ensure-chromium` installs it."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is required for the browser tests: run `bash .ci/ensure-chromium`", pytrace=False)
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield browser
    browser.close()
