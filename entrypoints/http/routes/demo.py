"""`/demo`: a page that uses the cookie transport, served by tessera itself (no external resources).

The script is its own route, so that the page's Content-Security-Policy can allow `'self'` only.
Neither route is part of the API: both stay out of the OpenAPI schema.
"""

from importlib.resources import files

from litestar import Router, get
from litestar.datastructures import CacheControlHeader

_FILES = files("entrypoints.http.routes").joinpath("demo")
PAGE = _FILES.joinpath("index.html").read_text(encoding="utf-8")
SCRIPT = _FILES.joinpath("app.js").read_text(encoding="utf-8")
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; connect-src 'self'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'; object-src 'none'"
)


@get("/", media_type="text/html")
async def demo_page() -> str:
    return PAGE


@get("/app.js", media_type="text/javascript")
async def demo_script() -> str:
    return SCRIPT


demo_router = Router(
    "/demo",
    route_handlers=[demo_page, demo_script],
    include_in_schema=False,
    cache_control=CacheControlHeader(no_cache=True),
    response_headers={
        "Content-Security-Policy": CONTENT_SECURITY_POLICY,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
    },
)
