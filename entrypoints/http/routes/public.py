"""The JWKS and the server metadata, cacheable by downstream verifiers: `max-age` from configuration and a
strong `ETag`."""

import base64
import hashlib
import json
from typing import Annotated, Any, cast

import msgspec
from dishka.integrations.litestar import FromDishka, inject
from litestar import Response, get
from litestar.datastructures import ResponseHeader
from litestar.exceptions import NotFoundException
from litestar.openapi import ResponseSpec
from litestar.params import HeaderParameter

from application.ports.public_keys import PublicKeys
from entrypoints.http.bodies.operations import JwkResponse, JwksResponse
from entrypoints.http.openapi.error_responses import error_responses
from entrypoints.http.routes.server_metadata import METADATA_PATH, ServerMetadata, issuer_is_a_url, server_metadata
from entrypoints.settings.config import Settings

MAX_IF_NONE_MATCH = 4096
"""The longest `If-None-Match` header read; a longer one is 400."""
IfNoneMatch = Annotated[
    str | None,
    HeaderParameter(
        name="If-None-Match",
        required=False,
        max_length=MAX_IF_NONE_MATCH,
        description="The ETag of a cached copy: 304 without a body if the key set has not changed.",
    ),
]


def key_set_etag(jwks: dict[str, Any]) -> str:
    """A strong validator of the exact key set (or document): the SHA-256 of its canonical JSON, base64url."""
    canonical = json.dumps(jwks, sort_keys=True, separators=(",", ":")).encode()
    return '"' + base64.urlsafe_b64encode(hashlib.sha256(canonical).digest()).decode().rstrip("=") + '"'


def _matches(if_none_match: str, etag: str) -> bool:
    """RFC 9110 §13.1.2: `*`, or a list of entity tags compared weakly (a `W/` prefix is ignored)."""
    tags = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
    return "*" in tags or etag in tags


@get(
    "/.well-known/jwks.json",
    summary="Public keys that verify access tokens",
    description="Cache it for `max-age` seconds (from TESSERA_JWKS_MAX_AGE_SECONDS, or derived so that a new "
    "key is in every cache before it signs); revalidate with If-None-Match.",
    tags=["keys"],
    response_headers=[
        ResponseHeader(name="ETag", documentation_only=True, description="A strong validator of this key set"),
        ResponseHeader(name="Cache-Control", documentation_only=True, description="public, max-age=<seconds>"),
    ],
    responses={
        304: ResponseSpec(data_container=None, description="Not modified: the cached copy with this ETag is current"),
        **error_responses(e400=f"An If-None-Match header longer than {MAX_IF_NONE_MATCH} characters"),
    },
)
@inject
async def jwks(
    keys: FromDishka[PublicKeys], settings: FromDishka[Settings], if_none_match: IfNoneMatch = None
) -> Response[JwksResponse]:
    key_set = keys.jwks()
    etag = key_set_etag(key_set)
    max_age = int(settings.jwks_cache_lifetime.total_seconds())
    headers = {"Cache-Control": f"public, max-age={max_age}", "ETag": etag}
    if if_none_match is not None and _matches(if_none_match, etag):
        return cast("Response[JwksResponse]", Response(None, status_code=304, headers=headers))
    return Response(JwksResponse(keys=[JwkResponse(**key) for key in key_set["keys"]]), headers=headers)


@get(
    METADATA_PATH,
    summary="Authorization-server metadata (RFC 8414): the issuer, jwks_uri and the trusted clients' endpoints",
    description="Every URL is TESSERA_ISSUER joined with a tessera route: a verifier configured with the issuer alone "
    "finds the key set, introspection, revocation and the revocation feed here, and must refuse the document "
    "unless its `issuer` equals the issuer it expects (RFC 8414 §3.3). Cached like the JWKS (the signing "
    "algorithms follow its keys).",
    tags=["keys"],
    response_headers=[
        ResponseHeader(name="ETag", documentation_only=True, description="A strong validator of this document"),
        ResponseHeader(name="Cache-Control", documentation_only=True, description="public, max-age=<seconds>"),
    ],
    responses={
        304: ResponseSpec(data_container=None, description="Not modified: the cached copy with this ETag is current"),
        **error_responses(
            e400=f"An If-None-Match header longer than {MAX_IF_NONE_MATCH} characters",
            e404="TESSERA_ISSUER is not an http(s) URL without query or fragment: there is no metadata to publish",
        ),
    },
)
@inject
async def metadata(
    keys: FromDishka[PublicKeys], settings: FromDishka[Settings], if_none_match: IfNoneMatch = None
) -> Response[ServerMetadata]:
    if not issuer_is_a_url(settings.issuer):
        raise NotFoundException("TESSERA_ISSUER is not a URL: tessera publishes no authorization-server metadata.")
    document = server_metadata(settings.issuer, [key["alg"] for key in keys.jwks()["keys"]])
    etag = key_set_etag(msgspec.to_builtins(document))
    max_age = int(settings.jwks_cache_lifetime.total_seconds())
    headers = {"Cache-Control": f"public, max-age={max_age}", "ETag": etag}
    if if_none_match is not None and _matches(if_none_match, etag):
        return cast("Response[ServerMetadata]", Response(None, status_code=304, headers=headers))
    return Response(document, headers=headers)
