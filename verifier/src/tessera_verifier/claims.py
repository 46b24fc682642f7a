"""The claims of a tessera access token, and the rules they must meet: tessera's own."""

import math
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from tessera_verifier.errors import InvalidToken


@dataclass(frozen=True, slots=True)
class Claims(Mapping[str, Any]):
    """A verified token's claims: `sub` (the user id), `sid` (the login session), `roles`, `exp`, and every
    other claim by name (`claims["tenant"]`), custom ones included."""

    sub: str
    sid: str
    roles: tuple[str, ...]
    exp: int
    iat: int
    jti: str
    payload: Mapping[str, Any] = field(repr=False)

    def __getitem__(self, name: str) -> Any:
        return self.payload[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.payload)

    def __len__(self) -> int:
        return len(self.payload)


@dataclass(frozen=True, slots=True)
class Validity:
    """The time claims as presented, judged at each use (a remembered token is judged again)."""

    exp: float
    iat: float
    nbf: float | None

    def holds_at(self, moment: float, leeway: float) -> bool:
        """`exp` not passed, `iat` and `nbf` not in the future, each beyond `leeway` seconds."""
        return (
            self.exp > moment - leeway
            and self.iat <= moment + leeway
            and (self.nbf is None or self.nbf <= moment + leeway)
        )


def claims_of(payload: Mapping[str, Any], issuer: str, audience: str) -> tuple[Claims, Validity]:
    """Every rule that does not depend on the clock. `iss` by equality, never by prefix; `aud` ours or a
    list naming ours; `exp`, `iat` (and `nbf` if present) finite numbers, not booleans or strings; `sub`,
    `sid` and `jti` UUIDs; `roles` a list of strings."""
    if payload.get("iss") != issuer:
        raise InvalidToken
    aud = payload.get("aud")
    if not (aud == audience or (isinstance(aud, list) and audience in aud)):
        raise InvalidToken
    exp, iat = _number(payload, "exp"), _number(payload, "iat")
    nbf = _number(payload, "nbf") if "nbf" in payload else None
    roles = payload.get("roles", [])
    if not isinstance(roles, list) or not all(isinstance(role, str) for role in roles):
        raise InvalidToken
    claims = Claims(
        sub=_uuid(payload, "sub"),
        sid=_uuid(payload, "sid"),
        roles=tuple(roles),
        exp=int(exp),
        iat=int(iat),
        jti=_uuid(payload, "jti"),
        payload=MappingProxyType(payload),  # read-only: one Claims serves every request that shows the token
    )
    return claims, Validity(exp, iat, nbf)


def _number(payload: Mapping[str, Any], name: str) -> float:
    value = payload.get(name)
    if value.__class__ is bool or not isinstance(value, (int, float)):
        raise InvalidToken
    try:
        number = float(value)  # an int beyond the float range overflows here
    except OverflowError:
        raise InvalidToken from None
    if not math.isfinite(number):
        raise InvalidToken
    return number


def _uuid(payload: Mapping[str, Any], name: str) -> str:
    value = payload.get(name)
    if not isinstance(value, str):
        raise InvalidToken
    try:
        return str(uuid.UUID(value))  # canonical, as the revocation feed names sessions
    except ValueError:
        raise InvalidToken from None
