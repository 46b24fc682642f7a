"""One dishka container per request, unless the route says it needs none."""

from dishka import AsyncContainer
from dishka import Scope as DIScope
from litestar import Request
from litestar.connection import ASGIConnection
from litestar.enums import ScopeType
from litestar.types import ASGIApp, Receive, Scope, Send

from entrypoints.settings.browser import BrowserPolicy

BROWSER_POLICY = "tessera_browser_policy"
"""Where the request state holds the container's policy, for the synchronous cookie and CSRF code."""
APP_SCOPE_ONLY = "app_scope_only"
"""Route option: the handler (and its middleware) injects only application-wide objects, so no request
container is opened for it: its `FromDishka` parameters come from the application container, and a
request-scoped one would fail loudly. For the hot protected routes, where a container costs more
than the work."""


APP_CONTAINER = "tessera_app_container"


class RequestContainerMiddleware:
    """Runs after routing, first of the route's middleware: it sees the route's options. It also puts
    the container's `BrowserPolicy` in the request state, for the synchronous cookie and CSRF code."""

    __slots__ = ("_browsers", "app", "container")

    def __init__(self, app: ASGIApp, container: AsyncContainer) -> None:
        self.app = app
        self.container = container
        self._browsers: BrowserPolicy | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        container = self.container
        if self._browsers is None:
            self._browsers = await container.get(BrowserPolicy)
        state = scope.setdefault("state", {})
        state[BROWSER_POLICY] = self._browsers
        state[APP_CONTAINER] = container
        if scope["type"] != ScopeType.HTTP or scope["route_handler"].opt.get(APP_SCOPE_ONLY):
            state["dishka_container"] = container
            await self.app(scope, receive, send)
            return
        async with container({Request: Request(scope)}, scope=DIScope.REQUEST) as request_container:
            state["dishka_container"] = request_container
            await self.app(scope, receive, send)


def application_container(scope: Scope) -> AsyncContainer:
    """The application's container, whichever the request resolves from."""
    container: AsyncContainer = scope["state"][APP_CONTAINER]
    return container


def browser_policy(connection: ASGIConnection) -> BrowserPolicy:  # type: ignore[type-arg]
    policy: BrowserPolicy = connection.scope["state"][BROWSER_POLICY]
    return policy
