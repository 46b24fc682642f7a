"""A FastAPI service guarded by tessera_verifier's security dependencies: /whoami needs a token, /greeting
takes one if sent, /admin needs the admin role; /health, /docs and /openapi.json need nothing."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import FastAPI, Security
from tessera_verifier import Claims
from tessera_verifier.fastapi import REFUSALS, ROLE_REFUSALS, TesseraBearer, TokenRefused, token_refused

from tests.verifier.verifier_apps.settings import verifier_from_environment


def create_app() -> FastAPI:
    verifier = verifier_from_environment()
    bearer, maybe = TesseraBearer(verifier), TesseraBearer(verifier, optional=True)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        async with verifier:
            yield

    app = FastAPI(lifespan=lifespan)
    app.add_exception_handler(TokenRefused, token_refused)

    @app.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/whoami", responses=REFUSALS)
    def whoami(claims: Annotated[Claims, Security(bearer)]) -> dict[str, object]:
        return {"sub": claims.sub, "sid": claims.sid, "roles": list(claims.roles)}

    @app.get("/greeting", responses=REFUSALS)
    def greeting(claims: Annotated[Claims | None, Security(maybe)]) -> dict[str, object]:
        return {"hello": "stranger" if claims is None else claims.sub}

    @app.get("/admin", dependencies=[Security(bearer.requiring("admin"))], responses=ROLE_REFUSALS)
    def admin() -> dict[str, str]:
        return {"status": "admin"}

    return app
