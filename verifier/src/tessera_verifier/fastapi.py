"""FastAPI security dependencies: the bearer scheme in the OpenAPI document, a token required or optional per
route, and roles.

    bearer = TesseraBearer(verifier)                   # required: 401 without a token
    maybe = TesseraBearer(verifier, optional=True)     # None without a token; a bad token is still a 401
    app.add_exception_handler(TokenRefused, token_refused)   # the refusals as problem JSON

    @app.get("/orders")
    async def orders(claims: Annotated[Claims, Security(bearer)]): ...

    @app.get("/admin/report", dependencies=[Security(bearer.requiring("admin"))], responses=ROLE_REFUSALS)

Refusals are those of the middleware (http_edge.refusal): 401 with `WWW-Authenticate: Bearer realm="api"` (bare
without a token, `error="invalid_token"` for a bad one), 403 `error="insufficient_scope"` for a missing role,
503 with `Retry-After` while revocations cannot be known. `TokenRefused` is an `HTTPException`, so an app that
forgets `token_refused` still answers the right status and headers (with FastAPI's `{"detail": …}` body),
never a 500. A token the ASGI middleware already verified is not verified again. HTTP routes only: a websocket
is guarded by `TesseraMiddleware`.
"""

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import Request, Security
from fastapi.exceptions import HTTPException
from fastapi.openapi.models import HTTPBearer as HTTPBearerModel
from fastapi.security.base import SecurityBase
from starlette.responses import Response

from tessera_verifier.claims import Claims
from tessera_verifier.errors import InvalidToken
from tessera_verifier.http_edge import MISSING, Refusal, TokenUser, bearer_token, lacking_roles, refusal
from tessera_verifier.verifier import Verifier

PROBLEM_JSON = "application/problem+json"
DESCRIPTION = "An access token issued by tessera: `Authorization: Bearer <token>`."
_PROBLEM: dict[str, Any] = {
    "content": {
        PROBLEM_JSON: {
            "schema": {
                "type": "object",
                "required": ["type", "title", "status", "detail"],
                "properties": {
                    "type": {"type": "string"},
                    "title": {"type": "string"},
                    "status": {"type": "integer"},
                    "detail": {"type": "string"},
                },
            }
        }
    }
}
REFUSALS: dict[int | str, dict[str, Any]] = {
    401: {
        "description": "No access token (a bare Bearer challenge), or an invalid one (error=invalid_token)",
        **_PROBLEM,
    },
    503: {
        "description": "Revoked sessions cannot be known now (the feed is stale): try again after Retry-After",
        **_PROBLEM,
    },
}
"""`responses=REFUSALS` on a route (or a router) guarded by a `TesseraBearer`: its refusals in the OpenAPI document."""
ROLE_REFUSALS: dict[int | str, dict[str, Any]] = {
    **REFUSALS,
    403: {"description": "The token lacks a role the route needs (error=insufficient_scope)", **_PROBLEM},
}
"""`responses=ROLE_REFUSALS` on a route that also needs roles (`requiring`)."""


class TokenRefused(HTTPException):
    """A refusal with its RFC 6750 challenge (or `Retry-After`); `token_refused` answers it as problem JSON."""

    def __init__(self, answer: Refusal, detail: str) -> None:
        headers = {name: value for name, value in answer.headers if name not in ("content-type", "content-length")}
        super().__init__(status_code=answer.status, detail=detail, headers=headers)
        self.refusal = answer


async def token_refused(_: Request, refused: Exception) -> Response:
    """`app.add_exception_handler(TokenRefused, token_refused)`: RFC 9457 problem JSON, as the middleware's."""
    if not isinstance(refused, TokenRefused):
        raise refused
    answer = refused.refusal
    return Response(answer.body, status_code=answer.status, headers=refused.headers, media_type=PROBLEM_JSON)


class TesseraBearer(SecurityBase):
    """`Security(bearer)` answers the verified `Claims` (also at `request.auth`, the user at `request.user`);
    with `optional=True`, None when no bearer token was sent. Documented in OpenAPI as an HTTP bearer scheme
    named `scheme_name`."""

    def __init__(
        self,
        verifier: Verifier,
        *,
        optional: bool = False,
        realm: str = "api",
        scheme_name: str = "TesseraBearer",
        description: str = DESCRIPTION,
    ) -> None:
        self.model = HTTPBearerModel(bearerFormat="JWT", description=description)
        self.scheme_name = scheme_name
        self._verifier, self._optional, self._realm = verifier, optional, realm

    async def __call__(self, request: Request) -> Claims | None:
        known = request.scope.get("auth")
        if isinstance(known, Claims):
            return known
        try:
            claims = await self._verifier.averify(bearer_token(request.headers.get("authorization")))
        except InvalidToken as refused:
            if refused is MISSING and self._optional:
                return None
            raise TokenRefused(refusal(refused, self._realm), refused.description) from None
        request.scope["auth"], request.scope["user"] = claims, TokenUser(claims)
        return claims

    def requiring(self, *roles: str) -> Callable[..., Awaitable[Claims]]:
        """A dependency answering the claims of a token holding every one of `roles`: else 403 with
        `error="insufficient_scope"` (401 without a token, whatever `optional`)."""
        required = self if not self._optional else TesseraBearer(self._verifier, realm=self._realm)
        required.scheme_name, required.model = self.scheme_name, self.model

        async def with_roles(claims: Annotated[Claims | None, Security(required)]) -> Claims:
            if claims is None:  # not reached: a required bearer raises instead of answering None
                raise TokenRefused(refusal(MISSING, self._realm), MISSING.description)
            lacking = lacking_roles(claims, roles)
            if lacking is not None:
                raise TokenRefused(refusal(lacking, self._realm), lacking.description)
            return claims

        return with_roles
