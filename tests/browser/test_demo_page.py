"""/demo in a real Chromium against a served tessera: the cookie transport as a browser lives it.

http://127.0.0.1 is a secure context to Chromium, so it keeps `Secure` and `__Host-` cookies there.
"""

import time
from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Request, expect

from tests.browser.conftest import ACCESS_TTL_SECONDS
from tests.support.http import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.served]

ACCESS = "__Host-tessera-access"
REFRESH = "__Secure-tessera-refresh"
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


@pytest.fixture
def context(chromium: Browser) -> Iterator[BrowserContext]:
    """A fresh profile: no cookies, no storage."""
    context = chromium.new_context()
    context.set_default_timeout(10_000)
    yield context
    context.close()


class Traffic:
    """Every request the page sends to tessera: (method, path, X-Requested-With)."""

    def __init__(self, page: Page) -> None:
        self.requests: list[tuple[str, str, str | None]] = []
        page.on("request", self._record)

    def _record(self, request: Request) -> None:
        self.requests.append((request.method, urlsplit(request.url).path, request.headers.get("x-requested-with")))

    def calls(self) -> list[tuple[str, str]]:
        return [(method, path) for method, path, _ in self.requests]


def session_cookies(context: BrowserContext) -> dict[tuple[str, str], dict[str, object]]:
    return {(str(cookie["name"]), str(cookie["path"])): dict(cookie) for cookie in context.cookies()}


def sign_in(page: Page, tessera: str, email: str) -> None:
    """Registers and logs in through the page's own form."""
    page.goto(f"{tessera}/demo")
    expect(page.locator("#state")).to_have_attribute("data-state", "signed-out")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("#register")
    expect(page.locator("#message")).to_contain_text("Registered")
    page.click("#login")
    expect(page.locator("#state")).to_have_attribute("data-state", "signed-in")
    expect(page.locator("#profile-email")).to_have_text(email)


def wait_past_the_access_lifetime(context: BrowserContext) -> None:
    time.sleep(ACCESS_TTL_SECONDS + 1.5)
    assert (ACCESS, "/") not in session_cookies(context), "the browser dropped the expired access cookie"


def test_the_demo_page_stays_signed_in_on_cookies_it_cannot_read(tessera: str, context: BrowserContext) -> None:
    page = context.new_page()
    traffic = Traffic(page)

    sign_in(page, tessera, "ada@example.com")

    assert page.evaluate("window.isSecureContext") is True
    document_cookie = page.evaluate("document.cookie")
    assert "tessera-access" not in document_cookie and "tessera-refresh" not in document_cookie
    stored = session_cookies(context)
    assert set(stored) == {(ACCESS, "/"), (REFRESH, "/auth/refresh"), (REFRESH, "/auth/logout")}
    assert all(cookie["httpOnly"] and cookie["secure"] and cookie["sameSite"] == "Strict" for cookie in stored.values())

    page.reload()
    expect(page.locator("#state")).to_have_attribute("data-state", "signed-in")
    expect(page.locator("#profile-email")).to_have_text("ada@example.com")

    wait_past_the_access_lifetime(context)
    traffic.requests.clear()
    with page.expect_response(lambda response: response.url.endswith("/api/user/profile") and response.ok):
        page.click("#load-profile")
    expect(page.locator("#profile-email")).to_have_text("ada@example.com")
    assert traffic.calls() == [
        ("GET", "/api/user/profile"),
        ("POST", "/auth/refresh"),
        ("GET", "/api/user/profile"),
    ], "a 401 is answered by one silent refresh and one retry"
    assert (ACCESS, "/") in session_cookies(context), "the refresh set a new access cookie"

    page.click("#logout")
    expect(page.locator("#state")).to_have_attribute("data-state", "signed-out")
    expect(page.locator("#profile-email")).to_have_text("")
    assert session_cookies(context) == {}
    assert page.evaluate("fetch('/api/user/profile', {credentials: 'same-origin'}).then(r => r.status)") == 401
    page.reload()
    expect(page.locator("#state")).to_have_attribute("data-state", "signed-out")

    unsafe = [(method, path, header) for method, path, header in traffic.requests if method in UNSAFE]
    assert unsafe and all(header == "tessera" for _, _, header in unsafe), unsafe


def test_logging_out_after_the_access_cookie_expired_still_ends_the_session(
    tessera: str, context: BrowserContext
) -> None:
    page = context.new_page()
    sign_in(page, tessera, "grace@example.com")
    refresh_token = str(session_cookies(context)[(REFRESH, "/auth/logout")]["value"])
    wait_past_the_access_lifetime(context)

    with page.expect_response(lambda response: response.url.endswith("/auth/logout")) as logout:
        page.click("#logout")

    assert logout.value.status == 204
    expect(page.locator("#state")).to_have_attribute("data-state", "signed-out")
    assert session_cookies(context) == {}
    # The session is over on the server too: its refresh token no longer refreshes.
    refused = httpx.post(
        f"{tessera}/auth/refresh",
        json={"refresh_token": refresh_token},
        timeout=10,
    )
    assert refused.status_code == 401


def test_a_page_of_another_origin_cannot_use_the_session(tessera: str, context: BrowserContext) -> None:
    """The same server reached as `localhost` is another origin (and another cookie host)."""
    page = context.new_page()
    sign_in(page, tessera, "barbara@example.com")
    other = tessera.replace("127.0.0.1", "localhost")
    page.goto(f"{other}/demo")
    expect(page.locator("#state")).to_have_attribute("data-state", "signed-out")
    status = page.evaluate(
        """url => fetch(url, {method: 'POST', credentials: 'include',
              headers: {'X-Requested-With': 'tessera'}}).then(r => r.status, () => 'blocked')""",
        f"{tessera}/auth/logout",
    )
    assert status == "blocked", "without CORS for that origin, the preflight fails"
    page.goto(f"{tessera}/demo")
    expect(page.locator("#state")).to_have_attribute("data-state", "signed-in")
