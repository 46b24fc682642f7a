"""ASGI middleware for Starlette, FastAPI and Litestar: the claims at `scope["auth"]`, the user at `scope["user"]`."""

from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from tessera_verifier.credentials import AccessCookie, presented
from tessera_verifier.errors import InvalidToken
from tessera_verifier.http_edge import TokenUser, exclusion, refusal
from tessera_verifier.request_facts import RequestFacts
from tessera_verifier.verifier import Verifier

Scope = Any  # Starlette's and Litestar's own scope types (a dict, a TypedDict) both fit
Receive = Callable[[], Awaitable[Any]]
Send = Callable[[Any], Awaitable[None]]
ASGIApp = Callable[[Any, Any, Any], Awaitable[None]]


class TesseraMiddleware:
    """Every HTTP request and websocket (but the `exclude`d paths) needs a valid bearer token: else 401
    problem JSON with an RFC 6750 `WWW-Authenticate` challenge (a websocket is closed, code 1008); 503
    with `Retry-After` while revocations cannot be known (a websocket is closed, code 1013, try again later).

    `cookie=AccessCookie()`: tessera's access cookie is accepted too when no `Authorization` header is sent,
    and an unsafe request (or a websocket) on it needs tessera's CSRF proof, else 403 (see csrf.py).

    Starlette / FastAPI: `app.add_middleware(TesseraMiddleware, verifier=verifier, exclude=["^/health$"])`;
    Litestar: `middleware=[DefineMiddleware(TesseraMiddleware, verifier=verifier)]`."""

    def __init__(
        self,
        app: ASGIApp,
        verifier: Verifier,
        *,
        exclude: Iterable[str] = (),
        realm: str = "api",
        cookie: AccessCookie | None = None,
    ) -> None:
        self.app = app
        self._cookie = cookie
        self._verifier = verifier
        self._exclude = exclusion(exclude)
        self._realm = realm

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind not in ("http", "websocket") or (self._exclude is not None and self._exclude.match(scope["path"])):
            await self.app(scope, receive, send)
            return
        try:
            claims = await self._verifier.averify(presented(RequestFacts.from_scope(scope), self._cookie).token)
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
