"""POST /auth/session/exchange: a legacy server-side session cookie in, a tessera token pair out.

Registered only when the bridge is configured (TESSERA_LEGACY_SESSIONS); otherwise the route does
not exist (404) and is absent from the OpenAPI schema.
"""

from http import HTTPStatus
from typing import Annotated, Any

import msgspec
from dishka.integrations.litestar import FromDishka, inject
from litestar import Request, Response, Router, post
from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie
from litestar.params import CookieParameter, JSONBody

from application.use_cases.exchange_legacy_session import ExchangeLegacySession, LegacyExchange
from domain.errors import InvalidLegacySession
from domain.legacy_sessions import MAX_COOKIE_LENGTH
from entrypoints.http.auth.requests import NO_STORE, client_address
from entrypoints.http.bodies.auth import ExchangeRequest
from entrypoints.http.bodies.shared import Transport
from entrypoints.http.browser.cookies import documented_session_cookies
from entrypoints.http.browser.csrf import require_csrf_proof
from entrypoints.http.browser.transport import TokenAnswer, token_answer
from entrypoints.http.openapi.error_responses import CROSS_SITE, NOT_JSON, error_responses
from entrypoints.http.problems.errors import InvalidRequest
from entrypoints.http.problems.problem import REALM, problem
from entrypoints.settings.environment import SameSite
from entrypoints.settings.legacy import LegacyBridgeSettings, LegacyStoreKind

LEGACY_COOKIE_PATH = "/"
"""Litestar's `ServerSideSessionConfig.path` and express-session's `cookie.path` default: where the legacy cookie
is cleared."""


def legacy_challenge(cookie: str) -> str:
    """No registered HTTP authentication scheme names a cookie; this one follows the (expired)
    draft-broyer-http-cookie-auth. Deliberately not `Bearer`: a client holding no bearer token
    must not be told to refresh one."""
    return f'Cookie realm="{REALM}", cookie-name="{cookie}"'


def presented_legacy_session(
    data: ExchangeRequest | None, cookie: str | None, connection: ASGIConnection[Any, Any, Any, Any]
) -> tuple[str | None, Transport]:
    """The body's legacy session id, answered as asked (bearer by default): a server-side caller that
    read the browser's cookie opts in this way; a page's script cannot, the legacy cookie being
    HttpOnly. Else the cookie's, answered in cookies only, as /auth/refresh does: a script on tessera's
    or an allowed origin may ride the cookie but never reads out the tokens. Any request that uses or
    sets the cookies passes the CSRF check."""
    data = data or ExchangeRequest()
    if data.legacy_session_id is not None:
        transport = data.transport or "bearer"
        require_csrf_proof(connection, answer=transport)
        return data.legacy_session_id, transport
    if data.transport == "bearer":
        raise InvalidRequest(
            "A bearer answer needs the legacy session id in the body; the cookie's is answered in cookies.",
            field="legacy_session_id",
        )
    require_csrf_proof(connection, cookie_credential=True)
    return cookie, "cookie"


def cookie_shape(bridge: LegacyBridgeSettings) -> tuple[str, str | None]:
    """What the legacy cookie holds, in words and (where it has a fixed shape) as a pattern. The
    adapters check it (`session_id_of` in adapters/legacy/litestar_sessions.py, django_sessions.py and
    express_sessions.py)."""
    kind = bridge.kind
    if kind.framework == "litestar":
        hex_digits = 2 * bridge.session_id_bytes
        words = f"{hex_digits} lower-case hex digits (Litestar's ServerSideSessionConfig)"
        return words, f"^[0-9a-f]{{{hex_digits}}}$"
    if kind is LegacyStoreKind.EXPRESS_REDIS:
        return (
            "express-session's signed cookie, `s%3A<session id>.<signature>` (or decoded, `s:…`); "
            "one without `s:` is malformed, one that no configured secret signed is refused (401)",
            "^s(:|%3[Aa])",
        )
    if kind.framework == "django" and not kind.stateless:
        return "Django's session key: 32 of [a-z0-9]", "^[a-z0-9]{8,40}$"
    if kind.stateless:
        return "the signed session cookie itself, as the browser holds it", None
    return "the session cookie's value, as the browser holds it", None


def exchange_body(bridge: LegacyBridgeSettings) -> type[ExchangeRequest]:
    """ExchangeRequest, its `legacy_session_id` documented in the shape this bridge accepts."""
    _, pattern = cookie_shape(bridge)
    schema = {"extra": {"pattern": pattern}} if pattern else {}
    session_id = Annotated[str, msgspec.Meta(max_length=MAX_COOKIE_LENGTH, extra_json_schema=schema)]

    class LegacyExchangeRequest(ExchangeRequest, forbid_unknown_fields=True):
        legacy_session_id: session_id | None = None

    return LegacyExchangeRequest


def exchange_router(bridge: LegacyBridgeSettings, same_site: SameSite) -> Router:
    body = exchange_body(bridge)
    legacy_cookie = Annotated[
        str | None,
        CookieParameter(
            name=bridge.cookie_name,
            required=False,
            description=f"The legacy session cookie: {cookie_shape(bridge)[0]}. Missing or of another shape: 400.",
        ),
    ]

    def refused(_: Request[Any, Any, Any], error: InvalidLegacySession) -> Response[dict[str, object]]:
        response = problem(HTTPStatus.UNAUTHORIZED, error.message, slug="invalid-legacy-session")
        response.headers["WWW-Authenticate"] = legacy_challenge(bridge.cookie_name)
        return response

    cleared = Cookie(
        key=bridge.cookie_name,
        path=LEGACY_COOKIE_PATH,
        max_age=0,
        documentation_only=True,
        description="The legacy session cookie, expired (Max-Age=0): its session no longer exists.",
    )

    @post(
        "/session/exchange",
        status_code=200,
        cache_control=NO_STORE,
        summary="Exchange a legacy server-side session (its cookie) for a tessera session, once",
        description="Consumes the legacy session (deletes it, or records a signed-cookie session as spent "
        "until its expiry) and answers a token pair. The legacy cookie is answered in "
        "cookies only (as /auth/refresh answers the refresh cookie), never in the body, and always needs "
        "'X-Requested-With: tessera' and tessera's own or a configured Origin; `transport: bearer` with it is "
        "a 400. A server-side caller that needs the tokens in the body sends the legacy session id as "
        "`legacy_session_id` instead, answered as /auth/login does (bearer unless `transport: cookie`, which "
        "needs the same CSRF proof).",
        response_cookies=[*documented_session_cookies(same_site), cleared],
        exception_handlers={InvalidLegacySession: refused},
        responses=error_responses(
            e400="No legacy session id (cookie or body), or one that is not a legacy session id; a malformed "
            "body; or `transport: bearer` without `legacy_session_id`",
            e401="Unknown, expired, forged (bad signature) or already exchanged legacy session, or one naming no "
            "tessera user (the audit log's legacy_session_refused says which) "
            f'(WWW-Authenticate: Cookie realm="{REALM}", cookie-name="{bridge.cookie_name}")',
            e403=f"{CROSS_SITE}; or the user is disabled (account-disabled)",
            e415=NOT_JSON,
            e503="The legacy session store or tessera's database is unreachable (see Retry-After); "
            "the legacy session is left as it was",
        ),
    )
    @inject
    async def exchange_session(
        request: Request[Any, Any, Any],
        use_case: FromDishka[ExchangeLegacySession],
        session_cookie: legacy_cookie = None,
        data: JSONBody[body | None] = None,  # type: ignore[valid-type]
    ) -> TokenAnswer:
        presented, transport = presented_legacy_session(data, session_cookie, request)
        address = client_address(request)
        pair = await use_case.execute(LegacyExchange(presented, address, request.headers.get("user-agent")))
        response = token_answer(pair, transport, request)
        response.delete_cookie(bridge.cookie_name, path=LEGACY_COOKIE_PATH)
        return response

    return Router("/auth", route_handlers=[exchange_session], tags=["auth"])
