"""A FastAPI service whose routes need a tessera access token (but /health)."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from tessera_verifier.asgi import TesseraMiddleware

from tests.e2e.verifier_apps.settings import verifier_from_environment


def create_app() -> FastAPI:
    verifier = verifier_from_environment()

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        async with verifier:
            yield

    app = FastAPI(lifespan=lifespan)
    app.add_middleware(TesseraMiddleware, verifier=verifier, exclude=["^/health$"])

    @app.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/whoami")
    def whoami(request: Request) -> dict[str, object]:
        return {"sub": request.auth.sub, "sid": request.auth.sid, "roles": list(request.user.roles)}

    return app
