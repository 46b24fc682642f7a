"""When the CSRF proof is needed: the one rule in `entrypoints/http/browser/csrf.py`, on bare connections."""

from typing import Any

import pytest
from litestar.connection import ASGIConnection

from entrypoints.http.browser.csrf import require_csrf_proof
from entrypoints.http.middleware.request_container import BROWSER_POLICY
from entrypoints.http.problems.errors import CrossSiteRequestRefused
from entrypoints.settings.browser import BrowserPolicy
from tests.verifier.browser_rules import CSRF_CASES, OWN_ORIGIN, CsrfCase

PROOF = {"x-requested-with": "tessera", "origin": "https://auth.example.com"}


def connection(method: str, headers: dict[str, str] | None = None) -> ASGIConnection[Any, Any, Any, Any]:
    raw = [(name.encode(), value.encode()) for name, value in {"host": "auth.example.com", **(headers or {})}.items()]
    scope = {"type": "http", "method": method, "scheme": "https", "headers": raw, "state": {}}
    scope["state"][BROWSER_POLICY] = BrowserPolicy()
    return ASGIConnection(scope)  # type: ignore[arg-type]


@pytest.mark.parametrize("facts", [{"cookie_credential": True}, {"answer": "cookie"}])
def test_an_unsafe_request_with_a_cookie_credential_or_a_cookie_answer_needs_the_proof(facts: Any) -> None:
    with pytest.raises(CrossSiteRequestRefused):
        require_csrf_proof(connection("POST"), **facts)
    require_csrf_proof(connection("POST", PROOF), **facts)


@pytest.mark.parametrize("method", ["GET", "HEAD", "OPTIONS"])
def test_a_safe_method_never_needs_the_proof(method: str) -> None:
    require_csrf_proof(connection(method), cookie_credential=True, answer="cookie")


@pytest.mark.parametrize("facts", [{}, {"answer": "bearer"}, {"cookie_credential": False, "answer": None}])
def test_a_request_on_its_header_or_body_answered_in_the_body_never_needs_the_proof(facts: Any) -> None:
    require_csrf_proof(connection("POST"), **facts)


@pytest.mark.parametrize("case", CSRF_CASES, ids=lambda case: case.name)
def test_a_cookie_request_carries_the_proof_exactly_in_the_cases_the_verifier_accepts(case: CsrfCase) -> None:
    scheme, host = OWN_ORIGIN
    raw = [(name.encode(), value.encode()) for name, value in {"host": host, **case.headers}.items()]
    scope = {"type": "http", "method": case.method, "scheme": scheme, "headers": raw, "state": {}}
    scope["state"][BROWSER_POLICY] = BrowserPolicy(allowed_origins=case.allowed_origins)
    check = ASGIConnection(scope)  # type: ignore[var-annotated]
    if case.holds:
        require_csrf_proof(check, cookie_credential=True)
    else:
        with pytest.raises(CrossSiteRequestRefused):
            require_csrf_proof(check, cookie_credential=True)
