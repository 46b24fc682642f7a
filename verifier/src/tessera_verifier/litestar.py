"""Litestar guards on the roles of the verified token (with `TesseraMiddleware` in front)."""

from collections.abc import Callable
from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler

from tessera_verifier.claims import Claims

Guard = Callable[[ASGIConnection[Any, Any, Any, Any], BaseRouteHandler], None]


def requires_roles(*roles: str) -> Guard:
    """`guards=[requires_roles("admin")]`: 403 unless the token holds every one of the roles."""

    def guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        claims = connection.scope.get("auth")
        if not isinstance(claims, Claims):
            raise NotAuthorizedException("An access token is required.")
        if not set(roles) <= set(claims.roles):
            raise PermissionDeniedException("This needs a role the token does not have.")

    return guard
