"""RFC 8414 authorization-server metadata: where a downstream verifier finds tessera's keys, its introspection
and revocation endpoints and its revocation feed, starting from the issuer alone.

Every URL is the configured issuer (`TESSERA_ISSUER`, tessera's public URL: tokens name it in `iss`) joined
with a route tessera serves, so the document is true only if the issuer is where tessera is reached.
Only what tessera really does is published: no `authorization_endpoint` or `token_endpoint` (login and
refresh are tessera's own JSON routes, not RFC 6749 grants), so `response_types_supported` and
`grant_types_supported` are empty rather than left to RFC 8414's default (`authorization_code`, `implicit`);
the trusted clients authenticate with `client_secret_basic` only (client_authentication.py).
"""

from urllib.parse import urlsplit

import msgspec

from entrypoints.http.auth.client_authentication import CLIENT_AUTH_METHODS

METADATA_PATH = "/.well-known/oauth-authorization-server"
JWKS_PATH = "/.well-known/jwks.json"
INTROSPECTION_PATH = "/oauth/introspect"
REVOCATION_PATH = "/oauth/revoke"
REVOCATION_FEED_PATH = "/oauth/revocations"


class ServerMetadata(msgspec.Struct):
    issuer: str
    """Exactly TESSERA_ISSUER: a client refuses the document unless it equals the issuer it was configured with."""
    jwks_uri: str
    introspection_endpoint: str
    introspection_endpoint_auth_methods_supported: list[str]
    revocation_endpoint: str
    revocation_endpoint_auth_methods_supported: list[str]
    revocation_feed_endpoint: str
    """tessera's extension: the feed of revoked sessions (GET, the trusted clients' HTTP Basic)."""
    access_token_signing_alg_values_supported: list[str]
    """tessera's extension: the `alg` of every key of the JWKS, the algorithms an access token may carry now."""
    response_types_supported: list[str]
    """Empty: tessera has no authorization endpoint."""
    grant_types_supported: list[str]
    """Empty: tessera has no OAuth token endpoint (its own login and refresh routes are not grants)."""


def issuer_is_a_url(issuer: str) -> bool:
    """RFC 8414 §2: an http(s) URL with a host and no query or fragment (`http` is tessera's development default)."""
    parts = urlsplit(issuer)
    return parts.scheme in ("https", "http") and bool(parts.netloc) and not parts.query and not parts.fragment


def server_metadata(issuer: str, signing_algorithms: list[str]) -> ServerMetadata:
    """The document for `issuer` (checked by `issuer_is_a_url`) and the algorithms of the published keys."""
    base = issuer.rstrip("/")
    methods = list(CLIENT_AUTH_METHODS)
    return ServerMetadata(
        issuer=issuer,
        jwks_uri=base + JWKS_PATH,
        introspection_endpoint=base + INTROSPECTION_PATH,
        introspection_endpoint_auth_methods_supported=methods,
        revocation_endpoint=base + REVOCATION_PATH,
        revocation_endpoint_auth_methods_supported=methods,
        revocation_feed_endpoint=base + REVOCATION_FEED_PATH,
        access_token_signing_alg_values_supported=sorted(set(signing_algorithms)),
        response_types_supported=[],
        grant_types_supported=[],
    )
