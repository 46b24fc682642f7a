"""The problem JSON's shape as the OpenAPI schema documents it (msgspec structs that are never
decoded: `problem.problem` writes the answers)."""

import msgspec


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
