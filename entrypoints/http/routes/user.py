import hashlib
from typing import Annotated, Any

import msgspec
from dishka.integrations.litestar import FromDishka, inject
from litestar import MediaType, Response, Router, get
from litestar.datastructures import CacheControlHeader
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import HeaderParameter

from application.use_cases.get_profile import GetProfile
from entrypoints.http.auth.authentication import PROTECTED, AccessTokenMiddleware, authenticated_caller
from entrypoints.http.bodies.auth import ProfileResponse, SessionResponse
from entrypoints.http.middleware.request_container import APP_SCOPE_ONLY
from entrypoints.http.openapi.error_responses import CONFLICTING_CREDENTIALS, UNAUTHENTICATED, error_responses
from entrypoints.http.routes.json_answer import JsonAnswer

PRIVATE = "private, no-cache"
"""Personal data: never kept by a shared cache; a browser keeps it but asks again each time (ETag)."""


@get(
    "/profile",
    summary="The caller's profile (ETag; If-None-Match answers 304)",
    security=PROTECTED,
    opt={APP_SCOPE_ONLY: True},
    responses={
        **error_responses(e400=CONFLICTING_CREDENTIALS, e401=UNAUTHENTICATED),
        304: ResponseSpec(data_container=None, description="Not modified: the copy with this ETag is current"),
    },
)
@inject
async def profile(
    use_case: FromDishka[GetProfile],
    if_none_match: Annotated[str | None, HeaderParameter(name="If-None-Match", required=False)] = None,
) -> Response[Any]:
    found = await use_case.execute(authenticated_caller())
    body = msgspec.json.encode(
        ProfileResponse(
            id=found.id,
            email=found.email,
            display_name=found.display_name,
            roles=list(found.roles),
            created_at=found.created_at,
            claims=dict(found.claims.as_dict()),
        )
    )
    etag = '"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"'
    headers = {"ETag": etag, "Cache-Control": PRIVATE}
    if if_none_match is not None and etag in (tag.strip() for tag in if_none_match.split(",")):
        return Response(None, status_code=304, headers=headers)
    return Response(body, media_type=MediaType.JSON, headers=headers)


@get(
    "/session",
    summary="Who the access token speaks for, from the token alone: no database, served during an outage",
    security=PROTECTED,
    opt={APP_SCOPE_ONLY: True},
    cache_control=CacheControlHeader(private=True, no_cache=True),
    responses=error_responses(e400=CONFLICTING_CREDENTIALS, e401=UNAUTHENTICATED),
)
async def session() -> JsonAnswer[SessionResponse]:
    principal = authenticated_caller()
    return JsonAnswer(
        SessionResponse(user_id=principal.user_id, session_id=principal.session_id, roles=list(principal.roles))
    )


user_router = Router("/api/user", route_handlers=[profile, session], middleware=[AccessTokenMiddleware], tags=["user"])
