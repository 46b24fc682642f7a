"""RFC 7662 introspection, RFC 7009 revocation and the revocation feed, for trusted backend clients (HTTP Basic)."""

from typing import Annotated, Any

from dishka.integrations.litestar import FromDishka, inject
from litestar import Request, Response, Router, post
from litestar.datastructures import CacheControlHeader
from litestar.enums import MediaType, RequestEncodingType
from litestar.middleware.base import DefineMiddleware
from litestar.openapi import ResponseSpec
from litestar.params import Body

from application.results import Introspection
from application.token_lookup import TokenQuery
from application.use_cases.introspect_token import IntrospectToken
from application.use_cases.revoke_token import RevokeToken
from entrypoints.http.auth.client_authentication import TRUSTED_CLIENT, ClientAuthenticationMiddleware
from entrypoints.http.auth.requests import client_address
from entrypoints.http.bodies.oauth import CLIENT_PROBLEMS, IntrospectionResponse, TokenForm
from entrypoints.http.routes.revocation_feed import revocations

NO_STORE = CacheControlHeader(no_store=True)
ClientRequest = Request[str, None, Any]
Form = Annotated[TokenForm, Body(media_type=RequestEncodingType.URL_ENCODED)]


def query(request: ClientRequest, data: TokenForm) -> TokenQuery:
    address = client_address(request)
    return TokenQuery(data.token, data.token_type_hint, request.user, address)


def introspection_response(answer: Introspection) -> IntrospectionResponse:
    if not answer.active:
        return IntrospectionResponse(active=False)
    return IntrospectionResponse(
        active=True,
        token_type="refresh_token" if answer.token_type == "refresh_token" else "access_token",
        sub=str(answer.user_id),
        sid=str(answer.session_id),
        exp=answer.expires_at,
        iat=answer.issued_at,
        jti=None if answer.token_id is None else str(answer.token_id),
        iss=answer.issuer,
        aud=answer.audience,
        scope=" ".join(answer.roles) or None,
        claims=dict(answer.claims.as_dict()) or None,
    )


@post(
    "/introspect",
    status_code=200,
    cache_control=NO_STORE,
    summary="Whether a token is active now, judged from storage (RFC 7662)",
    description="An access or refresh token; `token_type_hint` only orders the search. Anything not active "
    'now answers exactly {"active": false}.',
    security=TRUSTED_CLIENT,
    responses=CLIENT_PROBLEMS,
)
@inject
async def introspect(
    request: ClientRequest, data: Form, use_case: FromDishka[IntrospectToken]
) -> IntrospectionResponse:
    return introspection_response(await use_case.execute(query(request, data)))


@post(
    "/revoke",
    status_code=200,
    cache_control=NO_STORE,
    summary="Revoke the session of an access or refresh token (RFC 7009)",
    description="Access tokens are stateless: what is revoked is the session they belong to, with every token "
    "of it. An unknown or invalid token answers 200 too.",
    security=TRUSTED_CLIENT,
    responses={
        200: ResponseSpec(data_container=None, description="Revoked, or nothing to revoke: an empty body"),
        **CLIENT_PROBLEMS,
    },
)
@inject
async def revoke(request: ClientRequest, data: Form, use_case: FromDishka[RevokeToken]) -> Response[bytes]:
    await use_case.execute(query(request, data))
    return Response(b"", status_code=200, media_type=MediaType.TEXT)


oauth_router = Router(
    "/oauth",
    route_handlers=[introspect, revoke, revocations],
    middleware=[DefineMiddleware(ClientAuthenticationMiddleware)],
    tags=["oauth"],
)
