"""The caller's sessions as devices: list them, end one."""

from typing import Annotated
from uuid import UUID

from dishka.integrations.litestar import FromDishka, inject
from litestar import Response, Router, delete, get
from litestar.middleware.base import DefineMiddleware
from litestar.params import FromPath, Parameter

from application.use_cases.end_session import EndSession
from application.use_cases.list_sessions import DEFAULT_PAGE, MAX_PAGE, ListSessions
from domain.errors import SessionNotFound
from entrypoints.http.auth.authentication import PROTECTED, AccessTokenMiddleware
from entrypoints.http.auth.requests import NO_STORE, AuthenticatedRequest, client_address
from entrypoints.http.bodies.management import DeviceSession, SessionsResponse
from entrypoints.http.openapi.error_responses import (
    CONFLICTING_CREDENTIALS,
    CROSS_SITE,
    UNAUTHENTICATED,
    error_responses,
)

MAX_OFFSET = 2**31 - 1
NOT_FOUND = "No live session of the caller's has this id: unknown, ended, another user's, or not a UUID (all alike)"


@get(
    "/sessions",
    summary="The caller's live sessions (devices), a page at a time; `current` marks the one of this token",
    description=f"Newest first, ties by descending id; at most `limit` (≤ {MAX_PAGE}) a page. `next_offset` is "
    "the `offset` of the next page, null on the last.",
    security=PROTECTED,
    cache_control=NO_STORE,
    responses=error_responses(
        e400=f"`limit` or `offset` out of range (the detail names it); or {CONFLICTING_CREDENTIALS}",
        e401=UNAUTHENTICATED,
    ),
)
@inject
async def list_sessions(
    request: AuthenticatedRequest,
    use_case: FromDishka[ListSessions],
    limit: Annotated[
        int, Parameter(ge=1, le=MAX_PAGE, description=f"Sessions per page (at most {MAX_PAGE})")
    ] = DEFAULT_PAGE,
    offset: Annotated[int, Parameter(ge=0, le=MAX_OFFSET, description="Sessions to skip")] = 0,
) -> SessionsResponse:
    page = await use_case.execute(request.user, limit, offset)
    return SessionsResponse(
        [
            DeviceSession(s.id, s.created_at, s.last_used_at, s.user_agent, s.client_address, s.current)
            for s in page.sessions
        ],
        page.next_offset,
    )


@delete(
    "/sessions/{session_id:str}",
    status_code=204,
    summary="End one of the caller's sessions, as a logout of that device would (the current one included)",
    security=PROTECTED,
    responses=error_responses(e400=CONFLICTING_CREDENTIALS, e401=UNAUTHENTICATED, e403=CROSS_SITE, e404=NOT_FOUND),
)
@inject
async def end_session(
    request: AuthenticatedRequest, session_id: FromPath[str], use_case: FromDishka[EndSession]
) -> Response[None]:
    try:
        parsed = UUID(session_id)
    except ValueError:
        raise SessionNotFound from None
    await use_case.execute(request.user, parsed, client_address(request))
    return Response(None, status_code=204)


device_router = Router(
    "/auth",
    route_handlers=[list_sessions, end_session],
    middleware=[DefineMiddleware(AccessTokenMiddleware)],
    tags=["sessions"],
)
