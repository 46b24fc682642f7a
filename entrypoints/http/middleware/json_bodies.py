"""A JSON body must say so: `Content-Type: application/json` (or `application/<x>+json`), in UTF-8.

Browsers send `text/plain`, `application/x-www-form-urlencoded` and `multipart/form-data` across
sites without a CORS preflight ("simple" requests). A route that parsed any body as JSON could be
reached by any page that way, register and bearer login included. So every route that takes a JSON
body refuses any other declared type, and a body with no type at all, with 415 before the body is
parsed; routes that take a form (RFC 7662/7009 at /oauth/*) are not JSON routes and keep theirs.
A JSON body that is not UTF-8 (RFC 8259 §8.1) is a 400, never a decoder's crash.

`require_json_body` is the app's `before_request` hook; a router or handler that set its own would
replace it there, which tests/browser/test_json_bodies.py (every JSON route of the route table) catches.
"""

import re
from typing import Any

from litestar import Request
from litestar.enums import RequestEncodingType
from litestar.handlers import HTTPRouteHandler
from litestar.params import BodyKwarg

from entrypoints.http.problems.errors import InvalidRequest, UnsupportedMediaType

_JSON_SUFFIXED = re.compile(r"application/[a-z0-9!#$&^_.+-]+\+json")


def takes_json_body(handler: HTTPRouteHandler) -> bool:
    """Litestar's rule: a `data` parameter is JSON unless its `Body` names another encoding."""
    data = handler.parsed_fn_signature.parameters.get("data")
    if data is None:
        return False
    body = data.kwarg_definition
    return not isinstance(body, BodyKwarg) or body.media_type == RequestEncodingType.JSON


def is_json(media_type: str, options: dict[str, str]) -> bool:
    """`media_type` as Litestar parses it (lower case, without parameters); a charset may only be UTF-8."""
    named_json = media_type == "application/json" or _JSON_SUFFIXED.fullmatch(media_type) is not None
    return named_json and options.get("charset", "utf-8").lower() == "utf-8"


async def require_json_body(request: Request[Any, Any, Any]) -> None:
    """The app's `before_request` hook: it runs before the handler's parameters are parsed."""
    if not takes_json_body(request.route_handler):
        return
    media_type, options = request.content_type
    body = await request.body()
    if not media_type and not body:
        return  # no body at all: the route decides whether it needs one
    if not is_json(media_type, options):
        raise UnsupportedMediaType
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidRequest("The request body is not UTF-8 JSON.") from None
