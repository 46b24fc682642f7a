"""A service downstream of tessera that verifies tessera's access tokens itself, with tessera-verifier.

    pip install ./verifier litestar uvicorn      # from a tessera checkout

Configured by environment variables:

    TESSERA_URL              where tessera serves /.well-known/jwks.json, e.g. https://auth.example.com
    TESSERA_ISSUER           the `iss` tessera writes (its TESSERA_ISSUER)
    TESSERA_AUDIENCE         the `aud` this service accepts (tessera's TESSERA_AUDIENCE)
    TESSERA_CLIENT_ID        optional, with TESSERA_CLIENT_SECRET: a trusted client of tessera
    TESSERA_CLIENT_SECRET    (TESSERA_OAUTH_CLIENTS), to read its revocation feed: a logout is refused here within 2 s

    uvicorn --factory downstream_service:create_app --port 8001

`GET /whoami` with `Authorization: Bearer <access token>` answers the token's subject and roles; any
token tessera would refuse answers 401. See docs/verifying-tokens.md.
"""

import os
from typing import Any

from litestar import Litestar, Request, get
from litestar.middleware.base import DefineMiddleware
from tessera_verifier import Verifier
from tessera_verifier.asgi import TesseraMiddleware


@get("/whoami")
async def whoami(request: Request[Any, Any, Any]) -> dict[str, Any]:
    return {"subject": request.auth.sub, "roles": list(request.auth.roles)}


def create_app() -> Litestar:
    tessera = os.environ["TESSERA_URL"]
    client_id = os.environ.get("TESSERA_CLIENT_ID")
    verifier = Verifier(
        os.environ["TESSERA_ISSUER"],
        os.environ["TESSERA_AUDIENCE"],
        f"{tessera}/.well-known/jwks.json",
        revocations_url=f"{tessera}/oauth/revocations" if client_id else None,
        client_id=client_id,
        client_secret=os.environ.get("TESSERA_CLIENT_SECRET"),
    )
    return Litestar(
        [whoami],
        middleware=[DefineMiddleware(TesseraMiddleware, verifier=verifier, realm="downstream")],
        on_startup=[verifier.astart],
        on_shutdown=[verifier.aclose],
    )
