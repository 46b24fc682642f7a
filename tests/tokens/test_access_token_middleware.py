"""The authentication middleware's own rules, on a bare app whose verifier knows a single token."""

import uuid
from typing import Any, cast

import pytest
from dishka import Provider, Scope, make_async_container, provide
from litestar import Litestar, Request, Router, get, route
from litestar.middleware import DefineMiddleware
from litestar.testing import AsyncTestClient

from application.results import Principal
from application.use_cases.verify_access_token import VerifyAccessToken
from domain.errors import InvalidAccessToken
from entrypoints.http.auth.authentication import EXCLUDE_FROM_AUTH, AccessTokenMiddleware, authenticated_caller
from entrypoints.http.middleware.request_container import APP_CONTAINER, RequestContainerMiddleware
from entrypoints.http.problems.errors import MissingCredentials
from entrypoints.http.problems.exception_handlers import EXCEPTION_HANDLERS
from entrypoints.settings.browser import BrowserPolicy

pytestmark = pytest.mark.anyio

ALICE = Principal(user_id=uuid.uuid4(), session_id=uuid.uuid4(), token_id=uuid.uuid4(), roles=())


class OneTokenVerifier:
    """Accepts exactly the token `alice`."""

    def execute(self, token: str) -> Principal:
        if token != "alice":
            raise InvalidAccessToken
        return ALICE


@route("/who", http_method=["GET", "OPTIONS"])
async def who(request: Request[Any, Any, Any]) -> dict[str, Any]:
    user = request.scope.get("user")
    return {"user": None if user is None else str(user.user_id), "auth": request.scope.get("auth")}


@get("/open", opt={EXCLUDE_FROM_AUTH: True})
async def open_route(request: Request[Any, Any, Any]) -> dict[str, Any]:
    return {"user": request.scope.get("user")}


@get("/caller")
async def caller() -> dict[str, str]:
    return {"user": str(authenticated_caller().user_id)}


@get("/open-caller", opt={EXCLUDE_FROM_AUTH: True})
async def open_caller() -> dict[str, str]:
    return {"user": str(authenticated_caller().user_id)}


class OneTokenProvider(Provider):
    scope = Scope.APP

    @provide
    def verify(self) -> VerifyAccessToken:
        return cast(VerifyAccessToken, OneTokenVerifier())

    @provide
    def browsers(self) -> BrowserPolicy:
        return BrowserPolicy()


def app() -> Litestar:
    protected = Router("/", route_handlers=[who, open_route, caller, open_caller], middleware=[AccessTokenMiddleware])
    container = make_async_container(OneTokenProvider())
    return Litestar(
        [protected],
        middleware=[DefineMiddleware(RequestContainerMiddleware, container=container)],
        exception_handlers=EXCEPTION_HANDLERS,
    )


async def test_a_bearer_token_puts_its_principal_on_the_request_and_the_token_in_auth() -> None:
    async with AsyncTestClient(app()) as client:
        response = await client.get("/who", headers={"Authorization": "Bearer alice"})
    assert response.json() == {"user": str(ALICE.user_id), "auth": "alice"}


async def test_the_first_authorization_header_is_the_one_read_as_litestar_reads_headers() -> None:
    """Raw ASGI: a test client would fold repeated headers into one."""
    seen: list[Any] = []

    async def inner(scope: Any, receive: Any, send: Any) -> None:
        seen.append(scope["user"])

    middleware = AccessTokenMiddleware(inner)

    def scope(*values: bytes) -> Any:
        headers = [(b"host", b"tessera.test"), *((b"Authorization", value) for value in values)]
        state = {APP_CONTAINER: make_async_container(OneTokenProvider())}
        return {"type": "http", "method": "GET", "headers": headers, "route_handler": who, "state": state}

    await middleware(scope(b"Bearer alice", b"Bearer bob"), None, None)  # type: ignore[arg-type]
    assert seen == [ALICE]
    with pytest.raises(InvalidAccessToken):
        await middleware(scope(b"Bearer bob", b"Bearer alice"), None, None)  # type: ignore[arg-type]


async def test_a_preflight_request_passes_unauthenticated() -> None:
    async with AsyncTestClient(app()) as client:
        response = await client.options("/who")
    assert response.status_code == 200, response.text
    assert response.json() == {"user": None, "auth": None}


async def test_a_route_excluded_from_authentication_is_served_without_credentials() -> None:
    async with AsyncTestClient(app()) as client:
        response = await client.get("/open")
    assert response.json() == {"user": None}


async def test_a_request_without_credentials_is_a_401_problem_with_its_challenge() -> None:
    async with AsyncTestClient(app()) as client:
        response = await client.get("/who")
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.headers["www-authenticate"].startswith("Bearer")


async def test_a_route_that_takes_no_request_is_told_who_the_token_speaks_for() -> None:
    async with AsyncTestClient(app()) as client:
        response = await client.get("/caller", headers={"Authorization": "Bearer alice"})
    assert response.json() == {"user": str(ALICE.user_id)}


async def test_a_route_served_without_authentication_has_no_caller_and_answers_401() -> None:
    async with AsyncTestClient(app()) as client:
        response = await client.get("/open-caller", headers={"Authorization": "Bearer alice"})
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")


async def test_the_caller_is_forgotten_once_the_route_has_answered_even_in_the_same_task() -> None:
    """Raw ASGI in this test's task: the route sees the caller, and the code that runs after it does not."""
    seen: list[Principal] = []

    async def inner(scope: Any, receive: Any, send: Any) -> None:
        seen.append(authenticated_caller())

    state = {APP_CONTAINER: make_async_container(OneTokenProvider())}
    headers = [(b"authorization", b"Bearer alice")]
    scope = {"type": "http", "method": "GET", "headers": headers, "route_handler": who, "state": state}
    await AccessTokenMiddleware(inner)(scope, None, None)  # type: ignore[arg-type]
    assert seen == [ALICE]
    with pytest.raises(MissingCredentials):
        authenticated_caller()
