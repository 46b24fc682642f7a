"""Starting from the issuer alone: tessera's RFC 8414 metadata names its key set and its revocation feed.

RFC 8414 §3.3: the `issuer` of the document must be exactly the issuer the verifier was configured with,
else the document is refused: whoever answers at that address does not speak for that issuer (a proxy
misrouting, a lookalike host), and its `jwks_uri` must not be trusted.
"""

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx

WELL_KNOWN = "/.well-known/oauth-authorization-server"


class DiscoveryFailed(Exception):
    """The metadata could not be read, or does not speak for the issuer: the verifier is not made."""


@dataclass(frozen=True, slots=True)
class ServerMetadata:
    """What the verifier uses of tessera's metadata (the document has more: `document`)."""

    issuer: str
    jwks_uri: str
    revocation_feed_endpoint: str | None
    introspection_endpoint: str | None
    document: dict[str, Any]


def metadata_url(issuer: str) -> str:
    """RFC 8414 §3.1: the well-known suffix goes between the host and the issuer's path
    (`https://a.example/auth` → `https://a.example/.well-known/oauth-authorization-server/auth`)."""
    parts = urlsplit(issuer)
    if parts.scheme not in ("https", "http") or not parts.netloc or parts.query or parts.fragment:
        raise ValueError(f"the issuer must be an http(s) URL without query or fragment to discover: {issuer!r}")
    return urlunsplit((parts.scheme, parts.netloc, WELL_KNOWN + parts.path.rstrip("/"), "", ""))


def metadata_of(issuer: str, answer: httpx.Response) -> ServerMetadata:
    """The metadata in `answer`, or `DiscoveryFailed` for anything but a 200 JSON object for `issuer`."""
    if answer.status_code != 200:
        raise DiscoveryFailed(f"{answer.request.url} answered {answer.status_code}")
    try:
        document = answer.json()
    except ValueError:
        raise DiscoveryFailed(f"{answer.request.url} did not answer JSON") from None
    if not isinstance(document, dict):
        raise DiscoveryFailed(f"{answer.request.url} did not answer a JSON object")
    if document.get("issuer") != issuer:
        named = document.get("issuer")
        raise DiscoveryFailed(
            f"the metadata at {answer.request.url} is for issuer {named!r}, not {issuer!r} (RFC 8414 §3.3)"
        )
    jwks_uri = _url(document, "jwks_uri")
    if jwks_uri is None:
        raise DiscoveryFailed(f"the metadata at {answer.request.url} names no jwks_uri")
    return ServerMetadata(
        issuer=issuer,
        jwks_uri=jwks_uri,
        revocation_feed_endpoint=_url(document, "revocation_feed_endpoint"),
        introspection_endpoint=_url(document, "introspection_endpoint"),
        document=document,
    )


def fetch_metadata(issuer: str, client: httpx.Client) -> ServerMetadata:
    try:
        return metadata_of(issuer, client.get(metadata_url(issuer), headers={"Accept": "application/json"}))
    except httpx.HTTPError as failed:
        raise DiscoveryFailed(f"tessera's metadata could not be read: {failed!r}") from failed


async def afetch_metadata(issuer: str, client: httpx.AsyncClient) -> ServerMetadata:
    try:
        answer = await client.get(metadata_url(issuer), headers={"Accept": "application/json"})
    except httpx.HTTPError as failed:
        raise DiscoveryFailed(f"tessera's metadata could not be read: {failed!r}") from failed
    return metadata_of(issuer, answer)


def _url(document: dict[str, Any], name: str) -> str | None:
    value = document.get(name)
    if value is None:
        return None
    if not isinstance(value, str) or urlsplit(value).scheme not in ("https", "http"):
        raise DiscoveryFailed(f"the metadata's {name} is not an http(s) URL")
    return value
