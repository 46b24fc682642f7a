"""Properties of the HTTP edge for every request an attacker can choose, searched for counter-examples by
hypothesis: an Authorization header or a JSON body earns a refusal problem, never a server error.

Hypothesis cannot use function-scoped pytest fixtures, so each HTTP property starts one app per test
function, outside `@given`, and runs its examples against it through a synchronous client.
"""

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from litestar.testing import TestClient

from entrypoints.http.app import create_app
from tests.support.http import PASSWORD, settings_for_tests
from tests.support.strategies import (
    FUZZ,
    authorization_values,
    json_values,
)

pytestmark = pytest.mark.app


@contextmanager
def running_app(key_dir: Path) -> Iterator[TestClient]:  # type: ignore[type-arg]
    with TestClient(create_app(settings_for_tests("memory://", key_dir))) as client:
        yield client


def assert_problem(response: httpx.Response, *statuses: int) -> dict[str, Any]:
    assert response.status_code in statuses, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = dict(response.json())
    assert set(body) - {"invalid_params"} == {"type", "title", "status", "detail"}
    assert body["status"] == response.status_code
    for param in body.get("invalid_params", []):  # a 400 names the fields that caused it
        assert set(param) == {"name", "in", "reason"} and all(isinstance(v, str) and v for v in param.values())
    return body


def test_any_authorization_header_gets_a_400_or_401_problem_never_a_server_error(tmp_path: Path) -> None:
    with running_app(tmp_path) as client:

        @FUZZ
        @given(value=authorization_values)
        def presented(value: bytes) -> None:
            response = client.get("/api/user/profile", headers={"Authorization": value})
            assert_problem(response, 400, 401)
            if response.status_code == 401:
                assert response.headers["www-authenticate"].startswith('Bearer realm="tessera"')

        presented()


REGISTERED = {"email": "ada@example.com", "password": PASSWORD}
REFUSALS = {
    400: None,
    401: None,
    403: "urn:tessera:problem:csrf",  # `transport: cookie` without the CSRF header and origin
    429: "urn:tessera:problem:login-throttled",  # failed logins counted per account and per address
}
"""What a body can earn besides success, with the problem type each of the last two must carry."""


def request_bodies(
    required: dict[str, st.SearchStrategy[object]], optional: dict[str, st.SearchStrategy[object]]
) -> st.SearchStrategy[object]:
    """Any JSON; well-formed objects of the route's own fields, to reach the use case; objects of its fields
    with likely or arbitrary values; and objects of its fields and strays mapped to anything."""
    fields = required | optional
    return st.one_of(
        json_values,
        st.fixed_dictionaries(required, optional=optional),
        st.fixed_dictionaries({}, optional={name: likely | json_values for name, likely in fields.items()}),
        st.dictionaries(st.sampled_from(list(fields)) | st.text(max_size=8), json_values),
    )


TRANSPORTS = st.sampled_from(["bearer", "cookie", "Cookie", ""])
LOGIN_FIELDS = {"email": st.just(REGISTERED["email"]) | st.text(), "password": st.text()}


@pytest.mark.parametrize(
    ("path", "bodies", "statuses"),
    [
        ("/auth/login", request_bodies(LOGIN_FIELDS, {"transport": TRANSPORTS}), (400, 401, 403, 429)),
        ("/auth/refresh", request_bodies({}, {"refresh_token": st.text(), "transport": TRANSPORTS}), (400, 401, 403)),
    ],
    ids=["login", "refresh"],
)
def test_any_json_body_to_login_or_refresh_gets_a_refusal_problem_never_a_server_error(
    tmp_path: Path, path: str, bodies: st.SearchStrategy[object], statuses: tuple[int, ...]
) -> None:
    with running_app(tmp_path) as client:
        assert client.post("/auth/register", json=REGISTERED).status_code == 201

        @FUZZ
        @given(body=bodies)
        def posted(body: object) -> None:
            if isinstance(body, dict) and body.get("password") == PASSWORD:
                return  # perhaps the one body that rightly succeeds
            # Serialised here: httpx refuses NaN and infinities, which an attacker's client sends happily.
            response = client.post(path, content=json.dumps(body), headers={"Content-Type": "application/json"})
            problem = assert_problem(response, *statuses)
            assert REFUSALS[response.status_code] in (None, problem["type"])
            if response.status_code == 429:
                assert int(response.headers["retry-after"]) > 0

        posted()


@pytest.mark.parametrize("path", ["/auth/register", "/auth/login", "/auth/refresh"])
def test_a_deeply_nested_json_body_is_a_400_problem(tmp_path: Path, path: str) -> None:
    with running_app(tmp_path) as client:
        body = b"[" * 5000 + b"]" * 5000
        response = client.post(path, content=body, headers={"Content-Type": "application/json"})
        assert_problem(response, 400)
