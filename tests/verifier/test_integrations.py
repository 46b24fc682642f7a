"""The integrations in process, on a fake tessera: what each framework's user sees for a good token, none,
a bad one, an excluded path, and a missing role."""

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI, Request, WebSocket
from fastapi.testclient import TestClient
from flask import Flask
from joserfc.jwk import RSAKey
from litestar import Litestar, get
from litestar.middleware.base import DefineMiddleware
from litestar.testing import TestClient as LitestarClient
from starlette.websockets import WebSocketDisconnect
from tessera_verifier import Verifier
from tessera_verifier.asgi import TesseraMiddleware
from tessera_verifier.decorators import current_claims, require_token
from tessera_verifier.litestar import requires_roles
from tessera_verifier.wsgi import TesseraWsgiMiddleware

from tests.support.forgery import claims, header_for, signed
from tests.verifier.conftest import verifier_for
from tests.verifier.fake_tessera import BASE, CLIENT_ID, CLIENT_SECRET, FakeTessera

pytestmark = pytest.mark.app

USER = str(uuid.uuid4())
GENERIC = {
    "type": "about:blank",
    "title": "Unauthorized",
    "status": 401,
    "detail": "The access token is invalid or expired.",
}


def bearer(key: RSAKey, **changes: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {signed(header_for(key), claims(USER, **changes), key)}"}


@pytest.fixture
def fastapi_client(tessera: FakeTessera) -> Iterator[TestClient]:
    app = FastAPI()
    app.add_middleware(TesseraMiddleware, verifier=verifier_for(tessera), exclude=["^/health$"])

    @app.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/whoami")
    def whoami(request: Request) -> dict[str, Any]:
        return {"sub": request.auth.sub, "user": request.user.identity, "authenticated": request.user.is_authenticated}

    @app.websocket("/live")
    async def live(websocket: WebSocket) -> None:
        await websocket.accept()
        await websocket.send_text(websocket.auth.sub)
        await websocket.close()

    with TestClient(app) as client:
        yield client


def test_fastapi_puts_the_claims_at_request_auth_and_a_user_at_request_user(
    fastapi_client: TestClient, key: RSAKey
) -> None:
    answer = fastapi_client.get("/whoami", headers=bearer(key))
    assert answer.json() == {"sub": USER, "user": USER, "authenticated": True}


def test_without_a_token_the_challenge_carries_no_error_code(fastapi_client: TestClient) -> None:
    answer = fastapi_client.get("/whoami", headers={"Authorization": "Basic dXNlcjpwYXNz"})
    assert answer.status_code == 401
    assert answer.headers["www-authenticate"] == 'Bearer realm="api"'
    assert answer.headers["content-type"] == "application/problem+json"


def test_a_refused_token_is_a_401_problem_with_the_invalid_token_challenge(
    fastapi_client: TestClient, key: RSAKey
) -> None:
    answer = fastapi_client.get("/whoami", headers=bearer(key, aud="another-api"))
    assert answer.status_code == 401
    assert answer.headers["www-authenticate"] == 'Bearer realm="api", error="invalid_token"'
    assert answer.json() == GENERIC


def test_an_excluded_path_needs_no_token(fastapi_client: TestClient) -> None:
    assert fastapi_client.get("/health").json() == {"status": "ok"}


def test_a_websocket_needs_a_token_too(fastapi_client: TestClient, key: RSAKey) -> None:
    with fastapi_client.websocket_connect("/live", headers=bearer(key)) as socket:
        assert socket.receive_text() == USER
    with pytest.raises(WebSocketDisconnect), fastapi_client.websocket_connect("/live") as socket:
        socket.receive_text()


def test_a_litestar_guard_refuses_a_token_without_the_role_with_403(tessera: FakeTessera, key: RSAKey) -> None:
    @get("/admin", guards=[requires_roles("admin")], sync_to_thread=False)
    def admin() -> str:
        return "yes"

    app = Litestar([admin], middleware=[DefineMiddleware(TesseraMiddleware, verifier=verifier_for(tessera))])
    with LitestarClient(app) as client:
        assert client.get("/admin", headers=bearer(key, roles=["admin"])).text == "yes"
        assert client.get("/admin", headers=bearer(key, roles=["support"])).status_code == 403


def flask_app(verifier: Verifier) -> Flask:
    app = Flask(__name__)

    @app.get("/whoami")
    @require_token(verifier)
    def whoami() -> dict[str, str]:
        return {"sub": current_claims().sub}

    @app.get("/admin")
    @require_token(verifier, roles=["admin"])
    def admin() -> str:
        return "yes"

    return app


def test_flask_views_behind_require_token(tessera: FakeTessera, key: RSAKey) -> None:
    client = flask_app(verifier_for(tessera)).test_client()
    assert client.get("/whoami", headers=bearer(key)).json == {"sub": USER}
    refused = client.get("/whoami", headers=bearer(key, exp=0))
    assert (refused.status_code, refused.json) == (401, GENERIC)
    assert refused.headers["WWW-Authenticate"] == 'Bearer realm="api", error="invalid_token"'
    lacking = client.get("/admin", headers=bearer(key))
    assert lacking.status_code == 403
    assert lacking.headers["WWW-Authenticate"] == 'Bearer realm="api", error="insufficient_scope"'
    assert client.get("/admin", headers=bearer(key, roles=["admin"])).text == "yes"


def test_the_wsgi_middleware_guards_every_route_but_the_excluded_ones(tessera: FakeTessera, key: RSAKey) -> None:
    app = Flask(__name__)

    @app.get("/open")
    def open_route() -> str:
        return "open"

    @app.get("/mine")
    def mine() -> dict[str, str]:
        return {"sub": current_claims().sub}

    app.wsgi_app = TesseraWsgiMiddleware(app.wsgi_app, verifier_for(tessera), exclude=["^/open$"])  # type: ignore[method-assign]
    client = app.test_client()
    assert client.get("/open").text == "open"
    assert client.get("/mine", headers=bearer(key)).json == {"sub": USER}
    assert client.get("/mine").status_code == 401


UNKNOWN = {
    "type": "about:blank",
    "title": "Service Unavailable",
    "status": 503,
    "detail": "Revoked sessions cannot be checked at the moment: try again shortly.",
}


@pytest.fixture
def stale_verifier(tessera: FakeTessera) -> Iterator[Verifier]:
    """Its revocation feed read once, then (on the clock it is given) three minutes ago: past its 2 s bound."""
    now = [1000.0]
    feed = {"revocations_url": f"{BASE}/oauth/revocations", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}
    verifier = verifier_for(tessera, poll_interval=1.0, monotonic=lambda: now[0], **feed)
    verifier.start()
    now[0] += 180
    yield verifier
    verifier.close()


def assert_unavailable(status: int, headers: Any, body: object) -> None:
    """503 problem JSON with `Retry-After` (the next poll) and no challenge: the token is not at fault."""
    assert (status, body) == (503, UNKNOWN)
    assert headers["retry-after"] == "1" and headers["content-type"] == "application/problem+json"
    assert headers.get("www-authenticate") is None


def test_every_integration_answers_a_stale_feed_with_503_and_retry_after(stale_verifier: Verifier, key: RSAKey) -> None:
    fastapi = FastAPI()
    fastapi.add_middleware(TesseraMiddleware, verifier=stale_verifier)

    @fastapi.get("/whoami")
    def whoami() -> str:
        return "never"

    @fastapi.websocket("/live")
    async def live(websocket: WebSocket) -> None:
        await websocket.accept()

    @get("/whoami", sync_to_thread=False)
    def litestar_whoami() -> str:
        return "never"

    litestar = Litestar([litestar_whoami], middleware=[DefineMiddleware(TesseraMiddleware, verifier=stale_verifier)])
    flask = flask_app(stale_verifier)
    wsgi = Flask(__name__)
    wsgi.wsgi_app = TesseraWsgiMiddleware(wsgi.wsgi_app, stale_verifier)  # type: ignore[method-assign]

    with TestClient(fastapi) as client:
        answer = client.get("/whoami", headers=bearer(key))
        assert_unavailable(answer.status_code, answer.headers, answer.json())
        with pytest.raises(WebSocketDisconnect) as closed, client.websocket_connect("/live", headers=bearer(key)) as ws:
            ws.receive_text()
        assert closed.value.code == 1013  # try again later
    with LitestarClient(litestar) as client:
        answer = client.get("/whoami", headers=bearer(key))
        assert_unavailable(answer.status_code, answer.headers, answer.json())
    for app in (flask, wsgi):
        refused = app.test_client().get("/whoami", headers=bearer(key))
        assert_unavailable(refused.status_code, refused.headers, refused.json)
    assert stale_verifier.feed_status is not None and stale_verifier.feed_status.refused_while_stale == 5
