"""tessera's two public faces to a verifier, the JWKS and the revocation feed, in memory (an httpx transport)."""

import base64
import hashlib
import json
import time
import uuid
from dataclasses import dataclass, field

import httpx
from joserfc.jwk import ECKey, RSAKey

from tests.support.forgery import AUDIENCE, ISSUER

CLIENT_ID, CLIENT_SECRET = "orders-api", "orders-api-secret-0123456789abcdefghijklmnop"
BASE = "https://auth.tessera.test"


@dataclass
class FakeTessera:
    keys: list[tuple[RSAKey | ECKey, str]] = field(default_factory=list)
    max_age: int = 300
    down: bool = False
    client_secret: str = CLIENT_SECRET
    """The trusted client's secret as tessera has it configured: changing it is rotating the secret."""
    revoked: list[tuple[str, float]] = field(default_factory=list)
    jwks_requests: list[httpx.Request] = field(default_factory=list)
    feed_requests: list[httpx.Request] = field(default_factory=list)
    page_size: int = 1000
    failing_pages: set[int] = field(default_factory=set)
    """Offsets of the pages the feed answers 503 to (a replica failing in the middle of a read)."""
    metadata_issuer: str = ISSUER
    """The `issuer` its RFC 8414 metadata names: another one is a document the verifier must refuse."""
    metadata_requests: list[httpx.Request] = field(default_factory=list)

    def metadata(self) -> dict[str, object]:
        return {
            "issuer": self.metadata_issuer,
            "jwks_uri": f"{BASE}/.well-known/jwks.json",
            "introspection_endpoint": f"{BASE}/oauth/introspect",
            "revocation_feed_endpoint": f"{BASE}/oauth/revocations",
        }

    def jwks(self) -> dict[str, object]:
        return {
            "keys": [{**key.as_dict(private=False), "kid": key.kid, "alg": alg, "use": "sig"} for key, alg in self.keys]
        }

    def handle(self, request: httpx.Request) -> httpx.Response:
        if self.down:
            raise httpx.ConnectError("tessera is down", request=request)
        if request.url.path == "/.well-known/jwks.json":
            return self._jwks(request)
        if request.url.path == "/oauth/revocations":
            return self._feed(request)
        if request.url.path == "/.well-known/oauth-authorization-server":
            self.metadata_requests.append(request)
            return httpx.Response(200, json=self.metadata())
        return httpx.Response(404)

    def _jwks(self, request: httpx.Request) -> httpx.Response:
        self.jwks_requests.append(request)
        body = json.dumps(self.jwks()).encode()
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        headers = {"Cache-Control": f"public, max-age={self.max_age}", "ETag": etag}
        if request.headers.get("if-none-match") == etag:
            return httpx.Response(304, headers=headers)
        return httpx.Response(200, headers=headers, content=body)

    def _feed(self, request: httpx.Request) -> httpx.Response:
        self.feed_requests.append(request)
        expected = "Basic " + base64.b64encode(f"{CLIENT_ID}:{self.client_secret}".encode()).decode()
        if request.headers.get("authorization") != expected:
            return httpx.Response(401, headers={"WWW-Authenticate": 'Basic realm="tessera"'})
        after = request.url.params.get("after", "")
        start = int(after.removeprefix("page:")) if after.startswith("page:") else 0
        if start in self.failing_pages:
            return httpx.Response(503, json={"status": 503})
        entries = [{"sid": sid, "revoked_at": at} for sid, at in self.revoked[start : start + self.page_size]]
        more = start + self.page_size < len(self.revoked)
        cursor = f"page:{start + self.page_size}" if more else str(int(time.time() * 1_000_000))
        return httpx.Response(200, json={"revocations": entries, "cursor": cursor, "window": 930, "more": more})

    def revoke(self, sid: str) -> None:
        self.revoked.append((str(uuid.UUID(sid)), time.time()))


def rsa_key() -> RSAKey:
    key = RSAKey.generate_key(2048, private=True)
    key.ensure_kid()
    return key


__all__ = ["AUDIENCE", "BASE", "CLIENT_ID", "CLIENT_SECRET", "ISSUER", "FakeTessera", "rsa_key"]
