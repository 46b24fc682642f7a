"""For load balancers: liveness and readiness. Metrics have a listener of their own (`metrics_listener.py`)."""

from http import HTTPStatus
from typing import Any

from dishka.integrations.litestar import FromDishka, inject
from litestar import Response, get
from litestar.datastructures import CacheControlHeader

from application.ports.storage_health import StorageHealth
from application.ports.token_signer import TokenSigner
from entrypoints.http.bodies.operations import HealthResponse
from entrypoints.http.middleware.request_container import APP_SCOPE_ONLY
from entrypoints.http.openapi.error_responses import error_responses
from entrypoints.http.problems.problem import problem

NO_STORE = CacheControlHeader(no_store=True)


@get(
    "/health",
    summary="The process is alive",
    tags=["operations"],
    cache_control=NO_STORE,
    opt={APP_SCOPE_ONLY: True},
)
async def health() -> HealthResponse:
    return HealthResponse()


@get(
    "/ready",
    summary="Ready for traffic: the database answers now and a signing key is loaded",
    tags=["operations"],
    cache_control=NO_STORE,
    responses=error_responses(e503="The database does not answer, or no signing key is loaded yet"),
)
@inject
async def ready(signer: FromDishka[TokenSigner], storage: FromDishka[StorageHealth]) -> Response[Any]:
    if not signer.can_sign():
        return _not_ready("No signing key is loaded yet.")
    if not await storage.reachable():
        return _not_ready("The database does not answer.")
    return Response(HealthResponse(status="ok"))


def _not_ready(detail: str) -> Response[Any]:
    response = problem(HTTPStatus.SERVICE_UNAVAILABLE, detail, slug="not-ready")
    response.headers["Retry-After"] = "5"
    return response
