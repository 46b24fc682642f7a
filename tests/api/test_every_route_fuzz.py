"""Every route of the app, from its route table, never answers a server error, whatever the bytes.

Arbitrary bodies and arbitrary values (any bytes a server lets through: no CR, LF or NUL) for
`Origin`, `Referer`, `Cookie`, `Authorization` and `Content-Type`, mixed with genuine ones (a live
bearer token, the session cookies, a trusted client's Basic credentials, tessera's own origin, the
CSRF header) so that examples get past the first checks. The routes are read from `app.routes`, so
a route added later is fuzzed without a change here; the legacy bridge and a trusted client are on,
so their routes exist too. One app for the module (hypothesis cannot use function-scoped fixtures).
"""

import json
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from litestar import Litestar
from litestar.routes import HTTPRoute
from litestar.testing import TestClient

from application.actors import OPERATOR
from application.use_cases.grant_role import GrantRole
from domain.users import Email
from entrypoints.http.app import create_app
from entrypoints.settings.legacy import LegacyBridgeSettings
from tests.support.http import PASSWORD, settings_for_tests
from tests.support.http_strategies import bodies, headers, segments
from tests.support.oauth import CLIENT

pytestmark = pytest.mark.app

EXAMPLES = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
OWN_ORIGIN = "https://testserver.local"
ALLOWED_ORIGIN = "https://app.example.com"
_work = tempfile.TemporaryDirectory(prefix="tessera-every-route-fuzz-")  # removed when the process ends
APP = create_app(
    settings_for_tests(
        "memory://",
        Path(_work.name),
        legacy_bridge=LegacyBridgeSettings(f"file://{_work.name}/legacy-sessions"),
        oauth_clients=(CLIENT,),
        allowed_origins=(ALLOWED_ORIGIN,),
    )
)


def route_table(app: Litestar) -> list[tuple[str, str]]:
    return sorted(
        {
            (method, route.path)
            for route in app.routes
            if isinstance(route, HTTPRoute)
            for handler in route.route_handlers
            for method in handler.http_methods
        }
    )


ROUTES = route_table(APP)


@pytest.fixture(scope="module")
def genuine() -> Iterator[tuple[TestClient, dict[str, str]]]:  # type: ignore[type-arg]
    """The running app, and real credentials of an admin: a bearer token, the session cookies."""
    with TestClient(APP, base_url=OWN_ORIGIN) as client:
        account = {"email": "root@example.com", "password": PASSWORD}
        assert client.post("/auth/register", json=account).status_code == 201

        async def grant() -> None:
            async with APP.state.dishka_container() as request:
                await (await request.get(GrantRole)).execute(Email.parse(account["email"]), "admin", OPERATOR)

        client.blocking_portal.call(grant)
        tokens = client.post("/auth/login", json=account).json()
        same_origin = {"X-Requested-With": "tessera", "Origin": OWN_ORIGIN}
        cookie_login = client.post("/auth/login", json={**account, "transport": "cookie"}, headers=same_origin)
        assert cookie_login.status_code == 200, cookie_login.text
        cookies = dict(header.split(";", 1)[0].split("=", 1) for header in cookie_login.headers.get_list("set-cookie"))
        client.cookies.clear()
        yield (
            client,
            {
                "bearer": f"Bearer {tokens['access_token']}",
                "refresh": tokens["refresh_token"],
                "cookie": "; ".join(f"{name}={value}" for name, value in cookies.items()),
            },
        )


@pytest.mark.parametrize(("method", "path"), ROUTES, ids=[f"{method} {path}" for method, path in ROUTES])
def test_no_route_answers_a_server_error_whatever_the_headers_and_body(
    genuine: tuple[TestClient, dict[str, str]],  # type: ignore[type-arg]
    method: str,
    path: str,
) -> None:
    client, real = genuine

    placeholders = ["x"] * path.count("{")
    cookie_session = {
        "cookie": real["cookie"].encode(),
        "x-requested-with": b"tessera",
        "content-type": b"application/json",
    }
    cookie_login = json.dumps({"email": "root@example.com", "password": PASSWORD, "transport": "cookie"}).encode()

    # The two unauthenticated 500s of issue 15, tried first on every route.
    @EXAMPLES
    @example(values={"content-type": b"application/json"}, body=b'{"email": "\xff"}', parameters=placeholders)
    @example(values={**cookie_session, "referer": b"http://[::1"}, body=cookie_login, parameters=placeholders)
    @given(
        values=headers(real, OWN_ORIGIN, ALLOWED_ORIGIN),
        body=bodies(real),
        parameters=st.lists(segments, min_size=path.count("{"), max_size=path.count("{")),
    )
    def sent(values: dict[str, bytes], body: bytes, parameters: list[str]) -> None:
        concrete = iter(parameters)
        url = re.sub(r"\{[^}]+\}", lambda _: next(concrete) or "x", path)
        client.cookies.clear()
        response = client.request(method, url, headers=values, content=None if method in ("GET", "HEAD") else body)
        assert response.status_code < 500, (method, url, values, body, response.text)
        assert "Traceback" not in response.text
        if response.status_code >= 400 and not refused_preflight(method, response):
            assert_problem(response)

    sent()


def refused_preflight(method: str, response: httpx.Response) -> bool:
    """Litestar's CORS middleware answers a refused preflight itself, in text/plain: no route code runs."""
    return method == "OPTIONS" and response.status_code == 400 and response.text.startswith("Disallowed CORS")


def assert_problem(response: httpx.Response) -> None:
    assert response.headers["content-type"].startswith("application/problem+json"), response.text
    body: dict[str, Any] = response.json()
    assert body["status"] == response.status_code and {"type", "title", "detail"} <= set(body)
