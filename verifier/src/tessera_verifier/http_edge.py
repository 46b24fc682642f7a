"""What every integration shares: reading the bearer token, the user object, and the refusal (RFC 6750)."""

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass

from tessera_verifier.claims import Claims
from tessera_verifier.errors import CrossSiteRequestRefused, InvalidToken, RevocationsUnknown

MISSING = InvalidToken(error="", description="An access token is required.")
"""No Authorization header, or another scheme than Bearer: a bare challenge, no error code (RFC 6750 §3.1)."""
STATUS = {"": 401, "invalid_request": 400, "invalid_token": 401, "insufficient_scope": 403}
REASON = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 503: "Service Unavailable"}


def bearer_token(authorization: str | None) -> str:
    """The token of `Authorization: Bearer <token>` (the scheme in any case); MISSING without one."""
    if authorization is None:
        raise MISSING
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer":
        raise MISSING
    token = token.strip()
    if not token or " " in token:
        raise InvalidToken
    return token


@dataclass(frozen=True, slots=True)
class TokenUser:
    """The user of a verified token, at `scope["user"]` (Starlette's `request.user`, Litestar's too)."""

    claims: Claims

    @property
    def id(self) -> str:
        return self.claims.sub

    @property
    def roles(self) -> tuple[str, ...]:
        return self.claims.roles

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def display_name(self) -> str:
        return self.claims.sub

    @property
    def identity(self) -> str:
        return self.claims.sub


@dataclass(frozen=True, slots=True)
class Refusal:
    status: int
    headers: list[tuple[str, str]]
    body: bytes


def refusal(refused: InvalidToken, realm: str) -> Refusal:
    """401 (or 400, 403 by the error code) as RFC 9457 problem JSON, with the RFC 6750 challenge; 403 without
    one for a cookie request lacking the CSRF proof; 503 with
    `Retry-After` and no challenge when the token could not be judged (`RevocationsUnknown`): the client's
    token is not at fault, and another one would fare no better."""
    last: tuple[str, str] | None
    if isinstance(refused, RevocationsUnknown):
        status, last = 503, ("retry-after", str(refused.retry_after))
    elif isinstance(refused, CrossSiteRequestRefused):
        status, last = 403, None  # the CSRF proof is missing, not a token: no challenge, as at tessera
    else:
        status = STATUS.get(refused.error, 401)
        last = ("www-authenticate", f'Bearer realm="{realm}"' + (f', error="{refused.error}"' if refused.error else ""))
    problem = {"type": "about:blank", "title": REASON[status], "status": status, "detail": refused.description}
    body = json.dumps(problem).encode()
    headers = [
        ("content-type", "application/problem+json"),
        ("content-length", str(len(body))),
        *([last] if last else []),
        ("cache-control", "no-store"),
    ]
    return Refusal(status, headers, body)


def lacking_roles(claims: Claims, roles: Iterable[str]) -> InvalidToken | None:
    missing = set(roles) - set(claims.roles)
    if not missing:
        return None
    return InvalidToken("insufficient_scope", "This needs a role the token does not have.")


def exclusion(patterns: Iterable[str]) -> re.Pattern[str] | None:
    """Paths to let through unauthenticated: regular expressions matched at the start of the path, as
    Litestar's `exclude` (`"^/health$"`, `"/docs"`)."""
    listed = list(patterns)
    return re.compile("|".join(f"(?:{pattern})" for pattern in listed)) if listed else None
