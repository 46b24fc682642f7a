"""A service downstream of tessera that verifies tessera's access tokens itself, from the JWKS.

Only the standard library, Litestar, joserfc and httpx. Configured by environment variables:

    TESSERA_URL                       where tessera serves /.well-known/jwks.json, e.g. https://auth.example.com
    TESSERA_ISSUER                    the `iss` tessera writes (its TESSERA_ISSUER)
    TESSERA_AUDIENCE                  the `aud` this service accepts (tessera's TESSERA_AUDIENCE)
    LEEWAY_SECONDS                    clock skew allowed on exp/nbf/iat (default 30)
    JWKS_REFETCH_INTERVAL_SECONDS     at most one refetch per this interval for an unknown kid (default 30)

Serve it with any ASGI server, for example:

    uvicorn --factory downstream_service:create_app --port 8001

`GET /whoami` with `Authorization: Bearer <access token>` answers the token's subject and roles;
any token that does not verify answers 401. See docs/verifying-tokens.md for what each step guards.
"""

import asyncio
import base64
import json
import logging
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import JWKRegistry, Key
from litestar import Litestar, Request, get
from litestar.di import Provide
from litestar.exceptions import NotAuthorizedException

log = logging.getLogger("downstream")

ALGORITHMS = {"RS256", "ES256", "EdDSA", "Ed25519"}
"""What tessera signs with. The algorithm of a token is the one its JWK names, never its own header's."""
ACCESS_TOKEN_TYPES = {"at+jwt", "application/at+jwt"}
MAX_TOKEN_LENGTH = 4096


@dataclass(frozen=True)
class Settings:
    tessera_url: str
    issuer: str
    audience: str
    leeway: int = 30
    refetch_interval: float = 30.0

    @classmethod
    def from_env(cls) -> "Settings":
        return cls(
            tessera_url=os.environ["TESSERA_URL"].rstrip("/"),
            issuer=os.environ["TESSERA_ISSUER"],
            audience=os.environ["TESSERA_AUDIENCE"],
            leeway=int(os.environ.get("LEEWAY_SECONDS", "30")),
            refetch_interval=float(os.environ.get("JWKS_REFETCH_INTERVAL_SECONDS", "30")),
        )


class JwksCache:
    """tessera's public keys by `kid`, kept for the JWKS's `max-age` and revalidated with its ETag.

    A `kid` it does not know triggers one refetch, at most once per `refetch_interval`: a key that
    started signing before our copy expired (`keys rotate --now`) is picked up at once, while a
    flood of made-up kids costs tessera at most one request per interval. If tessera cannot be
    reached, the keys already held are kept.
    """

    def __init__(self, url: str, http: httpx.AsyncClient, refetch_interval: float) -> None:
        self._url, self._http, self._refetch_interval = url, http, refetch_interval
        self._keys: dict[str, tuple[Key, str]] = {}
        self._etag: str | None = None
        self._fresh_until = float("-inf")
        self._last_fetch = float("-inf")
        self._lock = asyncio.Lock()

    async def key_for(self, kid: str) -> tuple[Key, str] | None:
        if time.monotonic() >= self._fresh_until:
            await self._fetch(lambda: time.monotonic() >= self._fresh_until)
        if kid not in self._keys:
            await self._fetch(
                lambda: kid not in self._keys and time.monotonic() - self._last_fetch >= self._refetch_interval
            )
        return self._keys.get(kid)

    async def _fetch(self, still_needed: Callable[[], bool]) -> None:
        async with self._lock:  # one fetch at a time; whoever waited re-checks before fetching again
            if not still_needed():
                return
            self._last_fetch = time.monotonic()
            headers = {"If-None-Match": self._etag} if self._etag else {}
            try:
                response = await self._http.get(f"{self._url}/.well-known/jwks.json", headers=headers)
                if response.status_code not in (200, 304):
                    raise httpx.HTTPStatusError("unexpected status", request=response.request, response=response)
            except httpx.HTTPError as error:
                log.warning("JWKS fetch failed, keeping %d cached keys: %s", len(self._keys), error)
                self._fresh_until = time.monotonic() + min(self._refetch_interval, 5)
                return
            self._fresh_until = time.monotonic() + _max_age(response.headers.get("cache-control", ""))
            if response.status_code == 200:
                self._keys = _signing_keys(response.json())
                self._etag = response.headers.get("etag")


def _max_age(cache_control: str) -> int:
    if "no-store" in cache_control or "no-cache" in cache_control:
        return 0
    found = re.search(r"max-age=(\d+)", cache_control)
    return int(found.group(1)) if found else 0


def _signing_keys(jwks: dict[str, Any]) -> dict[str, tuple[Key, str]]:
    """Each usable key with the one algorithm its JWK names; a key without `kid`, or for another use or
    algorithm, is skipped."""
    keys = {}
    for jwk in jwks.get("keys", []):
        if jwk.get("use", "sig") != "sig" or jwk.get("alg") not in ALGORITHMS or not jwk.get("kid"):
            continue
        try:
            keys[jwk["kid"]] = (JWKRegistry.import_key(jwk), jwk["alg"])
        except (JoseError, ValueError, TypeError):
            log.warning("skipping an unusable JWK %s", jwk.get("kid"))
    return keys


def _unverified_header(token: str) -> dict[str, Any]:
    """The header, only to choose the key: nothing in it is trusted until the signature holds."""
    encoded = token.split(".", 1)[0]
    header = json.loads(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))
    if not isinstance(header, dict):
        raise ValueError("the header is not a JSON object")
    return header


class TokenVerifier:
    def __init__(self, settings: Settings, jwks: JwksCache) -> None:
        self._settings, self._jwks = settings, jwks
        self._claims = jwt.JWTClaimsRegistry(
            leeway=settings.leeway,
            iss={"essential": True, "value": settings.issuer},
            aud={"essential": True, "value": settings.audience},
            exp={"essential": True},
            sub={"essential": True},
        )

    async def verify(self, token: str) -> dict[str, Any]:
        """The claims of a valid tessera access token, or ValueError/JoseError."""
        if len(token) > MAX_TOKEN_LENGTH or token.count(".") != 2:
            raise ValueError("not a compact JWS")
        header = _unverified_header(token)
        if str(header.get("typ", "")).lower() not in ACCESS_TOKEN_TYPES:
            raise ValueError("not an access token (typ)")
        found = await self._jwks.key_for(str(header.get("kid", "")))
        if found is None:
            raise ValueError("unknown kid")
        key, alg = found
        if header.get("alg") != alg:  # pinned from the JWK: no "none", no RS256/HS256 confusion
            raise ValueError("algorithm does not match the key")
        claims = jwt.decode(token, key, algorithms=[alg]).claims  # the signature
        self._claims.validate(claims)  # iss, aud, exp, nbf, iat, with the leeway
        return claims


async def authenticate(request: Request[Any, Any, Any]) -> dict[str, Any]:
    """The verified claims of the request's bearer token, or 401 with an RFC 6750 challenge."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise NotAuthorizedException(
            "A bearer access token is required.", headers={"WWW-Authenticate": 'Bearer realm="downstream"'}
        )
    try:
        claims: dict[str, Any] = await request.app.state.verifier.verify(token.strip())
    except (ValueError, TypeError, JoseError):
        raise NotAuthorizedException(
            "The access token is invalid or expired.",
            headers={"WWW-Authenticate": 'Bearer realm="downstream", error="invalid_token"'},
        ) from None
    return claims


@get("/whoami", dependencies={"claims": Provide(authenticate)})
async def whoami(claims: dict[str, Any]) -> dict[str, Any]:
    return {"subject": claims["sub"], "roles": claims.get("roles", [])}


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or Settings.from_env()

    async def start(app: Litestar) -> None:
        app.state.http = httpx.AsyncClient(timeout=5)
        jwks = JwksCache(settings.tessera_url, app.state.http, settings.refetch_interval)
        app.state.verifier = TokenVerifier(settings, jwks)

    async def stop(app: Litestar) -> None:
        await app.state.http.aclose()

    return Litestar(route_handlers=[whoami], on_startup=[start], on_shutdown=[stop])
