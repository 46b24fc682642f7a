from dishka.integrations.litestar import FromDishka, inject
from litestar import get
from litestar.datastructures import CacheControlHeader

from application.ports.public_keys import PublicKeys
from entrypoints.http.schemas import JwkResponse, JwksResponse


@get(
    "/.well-known/jwks.json",
    summary="Public keys that verify access tokens",
    tags=["keys"],
    cache_control=CacheControlHeader(max_age=300, public=True),
)
@inject
async def jwks(keys: FromDishka[PublicKeys]) -> JwksResponse:
    return JwksResponse(keys=[JwkResponse(**key) for key in keys.jwks()["keys"]])
