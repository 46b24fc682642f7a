"""tessera's access cookie reaching a downstream service, in Debian's Chromium: the Django and Flask examples
(tests/verifier/verifier_apps/) serve a page whose script calls them with `credentials: 'include'` and no token.

Why the `__Host-` cookie reaches them here: it is host-only (no Domain) and cookies ignore ports, so tessera on
http://127.0.0.1:A sets it and the browser sends it to http://127.0.0.1:B as well (http://127.0.0.1 is a secure
context to Chromium, so `Secure` holds). Both are one site, so `SameSite=Strict` lets it through too. In
production the same holds behind one host name, e.g. a reverse proxy routing /auth/ to tessera and /orders/ to
the service (docs/verifying-tokens.md, "Browsers"). And because a page of tessera's origin is a *different
origin of the same site*, SameSite does not stop it posting to the service: the CSRF proof does."""

import contextlib
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page

from tests.browser.test_demo_page import sign_in
from tests.support.forgery import AUDIENCE, ISSUER
from tests.support.oauth import CLIENT
from tests.support.served import environment, serving, upgraded
from tests.verifier.test_verifier_integrations import downstream

pytestmark = [pytest.mark.browser, pytest.mark.served]

ACCESS = "__Host-tessera-access"
CROSS_ORIGIN_POST = """url => fetch(url, {method: 'POST', credentials: 'include', mode: 'no-cors'})
    .then(() => 'sent', error => String(error))"""
"""A "simple" request: no preflight, so the browser sends it, cookie and all, and only hides the answer."""


@pytest.fixture(scope="module")
def tessera_for_services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """tessera with the services' trusted client (the revocation feed) and their issuer and audience."""
    workdir = tmp_path_factory.mktemp("tessera")
    env = environment(
        workdir,
        TESSERA_OAUTH_CLIENTS=f"{CLIENT.client_id}:{CLIENT.secret_hash}",
        TESSERA_ISSUER=ISSUER,
        TESSERA_AUDIENCE=AUDIENCE,
    )
    upgraded(env, workdir)
    with serving(env, workdir) as base:
        yield base, workdir


@contextlib.contextmanager
def another_origin_of_the_site() -> Iterator[str]:
    """A blank page on another port of 127.0.0.1: another origin, the same site (an attacker's page on a
    sibling service, say)."""

    class Blank(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = b"<!doctype html><title>elsewhere</title>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Blank)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        thread.join(timeout=10)


@pytest.fixture
def context(chromium: Browser) -> Iterator[BrowserContext]:
    context = chromium.new_context()
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.mark.parametrize("app", ["django", "flask"])
def test_a_page_of_the_service_calls_it_on_the_cookie_alone_and_posts_only_with_the_csrf_proof(
    app: str, tessera_for_services: tuple[str, Path], context: BrowserContext, tmp_path: Path
) -> None:
    tessera, _ = tessera_for_services
    with downstream(app, tessera, tmp_path) as service:
        page = context.new_page()
        sign_in(page, tessera, f"{app}@example.com")  # tessera's own page: the cookie transport
        assert ACCESS in {cookie["name"] for cookie in context.cookies()}

        page.goto(f"{service}/page")
        assert page.evaluate("window.isSecureContext") is True
        assert "tessera" not in page.evaluate("document.cookie")  # HttpOnly: the script holds no token
        who = page.evaluate("callService('GET', '/whoami', false)")
        assert who["status"] == 200, who
        assert '"sub"' in who["body"]

        unproven = page.evaluate("callService('POST', '/orders', false)")
        assert (unproven["status"], unproven["challenge"]) == (403, None), unproven
        proven = page.evaluate("callService('POST', '/orders', true)")
        assert proven["status"] == 201, proven

        with another_origin_of_the_site() as elsewhere:
            page.goto(elsewhere)  # SameSite lets the cookie go along from here
            with_cookie = cross_origin_post(page, f"{service}/orders")
            context.clear_cookies()
            without_cookie = cross_origin_post(page, f"{service}/orders")
        # The answers are hidden from the page (no CORS) but not from the test: the cookie went along (403,
        # not the 401 of the same request without it) and the POST was refused for want of the CSRF proof.
        assert (with_cookie, without_cookie) == (403, 401)


def cross_origin_post(page: Page, url: str) -> int:
    with page.expect_response(url) as attempt:
        sent = page.evaluate(CROSS_ORIGIN_POST, url)
    assert sent == "sent", sent
    return attempt.value.status


def test_without_the_cookie_the_page_gets_the_bare_challenge(
    tessera_for_services: tuple[str, Path], context: BrowserContext, tmp_path: Path
) -> None:
    tessera, _ = tessera_for_services
    with downstream("flask", tessera, tmp_path) as service:
        page = context.new_page()
        page.goto(f"{service}/page")
        answer = page.evaluate("callService('GET', '/whoami', false)")
        assert (answer["status"], answer["challenge"]) == (401, 'Bearer realm="api"')
