"""A Litestar service whose routes need a tessera access token (but /health), /admin the admin role."""

from typing import Any

from litestar import Litestar, Request, get
from litestar.middleware.base import DefineMiddleware
from tessera_verifier.asgi import TesseraMiddleware
from tessera_verifier.litestar import requires_roles

from tests.verifier.verifier_apps.settings import verifier_from_environment


@get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}


@get("/whoami")
async def whoami(request: Request[Any, Any, Any]) -> dict[str, object]:
    return {"sub": request.auth.sub, "sid": request.auth.sid, "roles": list(request.user.roles)}


@get("/admin", guards=[requires_roles("admin")])
async def admin() -> dict[str, str]:
    return {"status": "admin"}


def create_app() -> Litestar:
    verifier = verifier_from_environment()
    return Litestar(
        [health, whoami, admin],
        middleware=[DefineMiddleware(TesseraMiddleware, verifier=verifier, exclude=["^/health$"])],
        on_startup=[verifier.astart],
        on_shutdown=[verifier.aclose],
    )
