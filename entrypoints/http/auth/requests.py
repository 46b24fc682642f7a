"""What the route modules share about a request: who it speaks for, where it came from, and the
`Cache-Control` of answers that carry credentials or personal data."""

from typing import Any

from litestar import Request
from litestar.datastructures import CacheControlHeader

from application.results import Principal

NO_STORE = CacheControlHeader(no_store=True)
AuthenticatedRequest = Request[Principal, str, Any]


def client_address(request: Request[Any, Any, Any]) -> str | None:
    """The TCP peer, or the client a trusted proxy names (TESSERA_FORWARDED_ALLOW_IPS): for throttling and audit."""
    return request.client.host if request.client else None
