"""A real `tessera serve` and Debian's Chromium, driven by Playwright (never `playwright install`)."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Playwright, sync_playwright

from tests.support.served import environment, serving, upgraded

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


@pytest.fixture(scope="module")
def tessera(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One server a module: each test signs up its own user."""
    workdir = tmp_path_factory.mktemp("tessera")
    env = environment(workdir, TESSERA_ACCESS_TTL_SECONDS=str(ACCESS_TTL_SECONDS), TESSERA_LEEWAY_SECONDS="0")
    upgraded(env, workdir)
    with serving(env, workdir) as base:
        yield base


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
