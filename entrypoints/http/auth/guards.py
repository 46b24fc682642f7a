"""Route guards on the roles an access token carries: no I/O, the token alone decides."""

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler
from litestar.types import Guard

from application.results import Principal
from domain.errors import InsufficientRole


def requires_role(role: str) -> Guard:
    """A guard that answers 403 `insufficient_scope` (RFC 6750 §3.1) unless the token carries `role`.

    It runs after the access-token middleware, so an unauthenticated request is a 401 first. Routes
    that change stored state also check the role in storage (see `application.actors.authorise`):
    this guard is the fast refusal, not the only one."""

    def guard(connection: ASGIConnection, _: BaseRouteHandler) -> None:  # type: ignore[type-arg]
        if connection.scope.get("method") == "OPTIONS":
            return  # a CORS preflight carries no credentials, and the access-token middleware skips it
        principal = connection.scope.get("user")
        if not isinstance(principal, Principal) or role not in principal.roles:
            raise InsufficientRole

    return guard
