"""tessera's access cookie downstream, in the ASGI and WSGI middleware and Flask's decorator: accepted only
where configured, a safe request on it alone, an unsafe one only with tessera's CSRF proof (403 otherwise,
without a challenge, before its token is looked at)."""

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from fastapi import FastAPI, Request, WebSocket
from fastapi.testclient import TestClient
from flask import Flask
from joserfc.jwk import RSAKey
from starlette.websockets import WebSocketDisconnect
from tessera_verifier import Verifier
from tessera_verifier.asgi import TesseraMiddleware
from tessera_verifier.credentials import AccessCookie
from tessera_verifier.decorators import current_claims, require_token
from tessera_verifier.wsgi import TesseraWsgiMiddleware

from tests.support.forgery import claims, header_for, signed
from tests.verifier.conftest import verifier_for
from tests.verifier.fake_tessera import FakeTessera

pytestmark = pytest.mark.app

USER = str(uuid.uuid4())
ACCESS = "__Host-tessera-access"
PROOF = {"X-Requested-With": "tessera", "Origin": "http://testserver"}
Post = Callable[..., Any]


def fastapi_client(verifier: Verifier, cookie: AccessCookie | None) -> Any:
    app = FastAPI()
    app.add_middleware(TesseraMiddleware, verifier=verifier, cookie=cookie)

    @app.api_route("/orders", methods=["GET", "POST"])
    def orders(request: Request) -> dict[str, str]:
        return {"sub": request.auth.sub}

    return TestClient(app, base_url="http://testserver")


def flask_client(verifier: Verifier, cookie: AccessCookie | None, *, middleware: bool) -> Any:
    app = Flask(__name__)

    def orders() -> dict[str, str]:
        return {"sub": current_claims().sub}

    if middleware:
        app.wsgi_app = TesseraWsgiMiddleware(app.wsgi_app, verifier, cookie=cookie)  # type: ignore[method-assign]
        app.route("/orders", methods=["GET", "POST"])(orders)
    else:
        app.route("/orders", methods=["GET", "POST"])(require_token(verifier, cookie=cookie)(orders))
    return app.test_client(use_cookies=False)  # the Cookie header as sent, no jar


KINDS = ["asgi", "wsgi", "flask decorator"]


def client_of(kind: str, verifier: Verifier, cookie: AccessCookie | None) -> Any:
    if kind == "asgi":
        return fastapi_client(verifier, cookie)
    return flask_client(verifier, cookie, middleware=kind == "wsgi")


def send(kind: str, client: Any, method: str, token: str, headers: dict[str, str] | None = None) -> tuple[int, Any]:
    cookie = {"Cookie": f"{ACCESS}={token}"}
    answer = (
        client.open("/orders", base_url="http://testserver", method=method, headers={**cookie, **(headers or {})})
        if kind != "asgi"
        else (client.request(method, "/orders", headers={**cookie, **(headers or {})}))
    )
    return answer.status_code, answer


def body(answer: Any) -> Any:
    """httpx's `json()`, Werkzeug's `json`."""
    return answer.json() if callable(answer.json) else answer.json


@pytest.mark.parametrize("kind", KINDS)
def test_the_cookie_authenticates_a_safe_request_and_an_unsafe_one_with_the_proof(
    kind: str, tessera: FakeTessera, key: RSAKey
) -> None:
    token = signed(header_for(key), claims(USER), key)
    client = client_of(kind, verifier_for(tessera), AccessCookie())
    status, answer = send(kind, client, "GET", token)
    assert (status, body(answer)) == (200, {"sub": USER})
    status, answer = send(kind, client, "POST", token, PROOF)
    assert (status, body(answer)) == (200, {"sub": USER})


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    "headers",
    [{}, {"Origin": "http://testserver"}, {"X-Requested-With": "tessera", "Origin": "https://evil.example"}],
    ids=["nothing", "no custom header", "another origin"],
)
def test_an_unsafe_cookie_request_without_the_proof_is_403_without_a_challenge(
    kind: str, headers: dict[str, str], tessera: FakeTessera, key: RSAKey
) -> None:
    client = client_of(kind, verifier_for(tessera), AccessCookie())
    status, answer = send(kind, client, "POST", signed(header_for(key), claims(USER), key), headers)
    assert status == 403
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.headers.get("www-authenticate") is None


@pytest.mark.parametrize("kind", KINDS)
def test_the_cookie_is_not_a_credential_unless_the_service_accepts_it(
    kind: str, tessera: FakeTessera, key: RSAKey
) -> None:
    client = client_of(kind, verifier_for(tessera), None)
    status, answer = send(kind, client, "GET", signed(header_for(key), claims(USER), key))
    assert (status, answer.headers["www-authenticate"]) == (401, 'Bearer realm="api"')


@pytest.mark.parametrize("kind", KINDS)
def test_a_configured_origin_may_post_with_the_cookie(kind: str, tessera: FakeTessera, key: RSAKey) -> None:
    client = client_of(kind, verifier_for(tessera), AccessCookie(["https://shop.example.com"]))
    proof = {"X-Requested-With": "tessera", "Origin": "https://shop.example.com"}
    status, _ = send(kind, client, "POST", signed(header_for(key), claims(USER), key), proof)
    assert status == 200


def test_flask_async_views_behind_require_token_answer_a_response(tessera: FakeTessera, key: RSAKey) -> None:
    app = Flask(__name__)

    @app.get("/orders")
    @require_token(verifier_for(tessera), cookie=AccessCookie())
    async def orders() -> dict[str, str]:
        return {"sub": current_claims().sub}

    client = app.test_client(use_cookies=False)
    token = signed(header_for(key), claims(USER), key)
    assert client.get("/orders", headers={"Authorization": f"Bearer {token}"}).json == {"sub": USER}
    assert client.get("/orders", headers={"Cookie": f"{ACCESS}={token}"}).json == {"sub": USER}
    assert client.get("/orders").status_code == 401


def test_a_websocket_on_the_cookie_opens_from_the_own_origin_only(tessera: FakeTessera, key: RSAKey) -> None:
    app = FastAPI()
    app.add_middleware(TesseraMiddleware, verifier=verifier_for(tessera), cookie=AccessCookie())

    @app.websocket("/live")
    async def live(websocket: WebSocket) -> None:
        await websocket.accept()
        await websocket.send_text(websocket.auth.sub)
        await websocket.close()

    cookie = {"Cookie": f"{ACCESS}={signed(header_for(key), claims(USER), key)}"}
    with TestClient(app, base_url="http://testserver") as client:
        with client.websocket_connect("/live", headers={**cookie, "Origin": "http://testserver"}) as socket:
            assert socket.receive_text() == USER
        for origin in ({"Origin": "http://evil.example"}, {}):
            with (
                pytest.raises(WebSocketDisconnect),
                client.websocket_connect("/live", headers={**cookie, **origin}) as s,
            ):
                s.receive_text()
