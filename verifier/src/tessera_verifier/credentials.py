"""Which credential a request presents: the `Authorization: Bearer` header, else (when the service accepts
it) tessera's access cookie, which must then carry tessera's CSRF proof on an unsafe method."""

from collections.abc import Iterable
from dataclasses import dataclass

from tessera_verifier.cookies import ACCESS_COOKIE, MAX_COOKIE_TOKEN_LENGTH, parse_cookie_header
from tessera_verifier.csrf import allowed, csrf_proof_holds
from tessera_verifier.errors import CrossSiteRequestRefused, InvalidToken
from tessera_verifier.http_edge import MISSING, bearer_token
from tessera_verifier.request_facts import RequestFacts


@dataclass(frozen=True, slots=True, init=False)
class AccessCookie:
    """Accept tessera's access cookie (`__Host-tessera-access`) where no `Authorization` header is sent, for
    pages whose browser holds tessera's cookie session. `allowed_origins`: other origins whose pages may send
    unsafe requests with it (the service's own origin always may), as tessera's `TESSERA_ALLOWED_ORIGINS`."""

    allowed_origins: frozenset[str]
    name: str

    def __init__(self, allowed_origins: Iterable[str] = (), *, name: str = ACCESS_COOKIE) -> None:
        object.__setattr__(self, "allowed_origins", allowed(allowed_origins))
        object.__setattr__(self, "name", name)


@dataclass(frozen=True, slots=True)
class Credential:
    token: str
    by_cookie: bool
    """A cookie is an ambient credential (the browser attaches it by itself): Django's CSRF check still applies."""


def presented(request: RequestFacts, cookie: AccessCookie | None) -> Credential:
    """The header wins over the cookie. Raises `MISSING` (no credential: a bare challenge),
    `CrossSiteRequestRefused` (the cookie on an unsafe request without the proof, refused before the token is
    looked at) or `InvalidToken`."""
    if request.authorization is not None:
        return Credential(bearer_token(request.authorization), by_cookie=False)
    if cookie is not None and request.cookie_header:
        value = parse_cookie_header(request.cookie_header).get(cookie.name)
        if value:
            if not csrf_proof_holds(request, cookie.allowed_origins):
                raise CrossSiteRequestRefused
            if len(value) > MAX_COOKIE_TOKEN_LENGTH:
                raise InvalidToken
            return Credential(value, by_cookie=True)
    raise MISSING
