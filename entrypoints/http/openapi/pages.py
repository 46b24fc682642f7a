"""The OpenAPI schema under /schema: the document always, an HTML page only when asked for.

Litestar's default pages load unpinned scripts (`redoc/latest`, …) from public CDNs, with no
`integrity`, on tessera's own origin: a script there passes the CSRF check and rides the session
cookies. So by default only the document is served (`/schema/openapi.json`, also at `/schema`, and
`/schema/openapi.yaml`), and every other `/schema/…` path is a 404 problem. With
TESSERA_SCHEMA_PAGES=true, one page, Redoc at `/schema/redoc`, loads one pinned file with its SRI
hash, under a policy that allows that URL and no inline script (`<redoc spec-url>` starts it).
"""

from http import HTTPStatus
from typing import Any

from litestar import Request, Response, Router
from litestar.openapi.plugins import JsonRenderPlugin, OpenAPIRenderPlugin, YamlRenderPlugin

from entrypoints.http.problems.problem import problem

REDOC_VERSION = "2.5.4"
REDOC_URL = f"https://cdn.jsdelivr.net/npm/redoc@{REDOC_VERSION}/bundles/redoc.standalone.js"
REDOC_INTEGRITY = "sha384-w447zOpYfw/1Tv/5AK9NfHTlQIqE3RVR6KY62jCyy9zNDgO64cMwGGP1Fj0zJVf5"
"""SHA-384 of `bundles/redoc.standalone.js` in npm's `redoc-2.5.4.tgz`, the file jsDelivr serves at REDOC_URL."""
PAGE_POLICY = (
    f"default-src 'none'; script-src {REDOC_URL}; style-src 'unsafe-inline'; img-src 'self' data:; "
    "font-src data:; connect-src 'self'; worker-src blob:; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'"
)
"""Redoc injects its styles and runs its search in a worker made from a blob; nothing else is allowed."""
DOCUMENT_POLICY = "default-src 'none'; frame-ancestors 'none'"


SCHEMA_PATH = "/schema"


class PinnedRedocPage(OpenAPIRenderPlugin):
    def __init__(self) -> None:
        super().__init__(path="/redoc")

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        return (
            '<!DOCTYPE html><html><head><meta charset="utf-8"><title>tessera API</title>'
            '<meta name="viewport" content="width=device-width, initial-scale=1"></head><body>'
            # Not `get_openapi_json_route`: the JSON document has several paths and Litestar's reverse
            # look-up picks one of them at random (`/schema`, `/schema/openapi.json`).
            f'<redoc spec-url="{SCHEMA_PATH}/openapi.json"></redoc>'
            f'<script src="{REDOC_URL}" integrity="{REDOC_INTEGRITY}" crossorigin="anonymous"></script>'
            "</body></html>"
        ).encode()


def _not_found_as_problem(response: Response[Any]) -> Response[Any]:
    """Litestar answers an unknown /schema path with an HTML page of its own; tessera answers problems."""
    if response.status_code == 404:
        return problem(HTTPStatus.NOT_FOUND, "Not Found")
    return response


def schema_router(pages: bool) -> Router:
    return Router(
        SCHEMA_PATH,
        route_handlers=[],
        include_in_schema=False,
        after_request=_not_found_as_problem,
        response_headers={
            "Content-Security-Policy": PAGE_POLICY if pages else DOCUMENT_POLICY,
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "same-origin",
        },
    )


def schema_plugins(pages: bool) -> list[OpenAPIRenderPlugin]:
    """The first is also served at /schema itself."""
    documents: list[OpenAPIRenderPlugin] = [JsonRenderPlugin(), YamlRenderPlugin()]
    return [*documents, PinnedRedocPage()] if pages else documents
