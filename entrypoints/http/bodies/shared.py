"""What every area's JSON bodies share: the text bound, how tokens travel, the problem-details shape.

The bodies themselves, as msgspec structs (decoded strictly, documented in OpenAPI), are by area:
`auth_schemas`, `management_schemas`, `oauth_schemas`, `operations_schemas`.
"""

from typing import Annotated, Literal

import msgspec

# Generous outer bounds that stop oversized input at decoding; the domain applies the real rules.
Text = Annotated[str, msgspec.Meta(max_length=2048)]
Transport = Literal["bearer", "cookie"]
"""How a session's tokens travel: in the JSON body (bearer), or in HttpOnly cookies (browsers)."""


class InvalidParam(msgspec.Struct):
    """A field a 400 refused: its path in the body (`$` for the body as a whole) or its parameter name."""

    name: str
    in_: str = msgspec.field(name="in")
    """body, query, path, header or cookie"""
    reason: str


class ProblemDetails(msgspec.Struct):
    """RFC 9457 problem details: every error answer has this shape. A 400 that fields caused names
    them in `invalid_params` (RFC 9457 §3's extension member)."""

    type: str
    title: str
    status: int
    detail: str
    invalid_params: list[InvalidParam] | None = None
