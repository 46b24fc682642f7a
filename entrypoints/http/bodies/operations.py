"""What machines poll: the health answer and the JWKS that downstream verifiers cache."""

from typing import Literal

import msgspec


class HealthResponse(msgspec.Struct):
    status: Literal["ok"] = "ok"


class JwkResponse(msgspec.Struct, omit_defaults=True):
    kty: str
    kid: str
    alg: str
    use: str
    n: str | None = None
    e: str | None = None
    crv: str | None = None
    x: str | None = None
    y: str | None = None


class JwksResponse(msgspec.Struct):
    keys: list[JwkResponse]
