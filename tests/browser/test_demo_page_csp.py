"""The demo page: its script from self, under a strict content security policy."""

import pytest

from tests.support.flows import Client

pytestmark = [pytest.mark.anyio, pytest.mark.app]


async def test_the_demo_page_loads_its_script_from_self_under_a_strict_policy(browser: Client) -> None:
    page = await browser.get("/demo")
    script = await browser.get("/demo/app.js")

    assert page.status_code == script.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert script.headers["content-type"].startswith("text/javascript")
    policy = page.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "unsafe-inline" not in policy
    assert '<script src="/demo/app.js"' in page.text
    assert (
        "<script>" not in page.text and "style=" not in page.text and "http" not in page.text.replace("http-equiv", "")
    )
    assert '"X-Requested-With": "tessera"' in script.text
    assert 'credentials: "same-origin"' in script.text


async def test_the_demo_page_and_its_script_name_their_charset_once(browser: Client) -> None:
    assert (await browser.get("/demo")).headers["content-type"] == "text/html; charset=utf-8"
    assert (await browser.get("/demo/app.js")).headers["content-type"] == "text/javascript; charset=utf-8"


async def test_the_demo_page_offers_to_keep_the_person_signed_in_and_sends_the_choice(browser: Client) -> None:
    page, script = (await browser.get("/demo/")).text, (await browser.get("/demo/app.js")).text

    assert '<input id="remember" name="remember" type="checkbox" checked>' in page
    assert 'remember: $("remember").checked' in script
