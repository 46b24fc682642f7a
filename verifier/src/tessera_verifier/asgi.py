"""ASGI middleware for Starlette, FastAPI and Litestar: the claims at `scope["auth"]`, the user at `scope["user"]`."""

from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from tessera_verifier.errors import InvalidToken
from tessera_verifier.http_edge import TokenUser, bearer_token, exclusion, refusal
from tessera_verifier.verifier import Verifier

Scope = Any  # Starlette's and Litestar's own scope types (a dict, a TypedDict) both fit
Receive = Callable[[], Awaitable[Any]]
Send = Callable[[Any], Awaitable[None]]
ASGIApp = Callable[[Any, Any, Any], Awaitable[None]]


class TesseraMiddleware:
    """Every HTTP request and websocket (but the `exclude`d paths) needs a valid bearer token: else 401
    problem JSON with an RFC 6750 `WWW-Authenticate` challenge (a websocket is closed, code 1008); 503
    with `Retry-After` while revocations cannot be known (a websocket is closed, code 1013, try again later).

    Starlette / FastAPI: `app.add_middleware(TesseraMiddleware, verifier=verifier, exclude=["^/health$"])`;
    Litestar: `middleware=[DefineMiddleware(TesseraMiddleware, verifier=verifier)]`."""

    def __init__(self, app: ASGIApp, verifier: Verifier, *, exclude: Iterable[str] = (), realm: str = "api") -> None:
        self.app = app
        self._verifier = verifier
        self._exclude = exclusion(exclude)
        self._realm = realm

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind not in ("http", "websocket") or (self._exclude is not None and self._exclude.match(scope["path"])):
            await self.app(scope, receive, send)
            return
        try:
            claims = await self._verifier.averify(bearer_token(_header(scope, b"authorization")))
        except InvalidToken as refused:
            await self._refuse(kind, send, refused)
            return
        scope["auth"], scope["user"] = claims, TokenUser(claims)
        await self.app(scope, receive, send)

    async def _refuse(self, kind: str, send: Send, refused: InvalidToken) -> None:
        answer = refusal(refused, self._realm)
        if kind == "websocket":
            await send({"type": "websocket.close", "code": 1013 if answer.status == 503 else 1008})
            return
        headers = [(name.encode(), value.encode()) for name, value in answer.headers]
        await send({"type": "http.response.start", "status": answer.status, "headers": headers})
        await send({"type": "http.response.body", "body": answer.body})


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return None
