"""A verifier made from the issuer alone: tessera's RFC 8414 metadata names its key set and revocation feed,
and a document for another issuer is refused before anything it names is fetched (RFC 8414 §3.3)."""

import time
import uuid
from typing import Any

import httpx
import pytest
from joserfc.jwk import RSAKey
from tessera_verifier import DiscoveryFailed, InvalidToken, Verifier
from tessera_verifier.discovery import metadata_url

from tests.support.forgery import claims, header_for, signed
from tests.verifier.fake_tessera import AUDIENCE, BASE, CLIENT_ID, CLIENT_SECRET, ISSUER, FakeTessera

pytestmark = pytest.mark.app

FEED = {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}


def clients(tessera: FakeTessera) -> dict[str, Any]:
    transport = httpx.MockTransport(tessera.handle)
    return {
        "http_client": httpx.Client(transport=transport),
        "async_http_client": httpx.AsyncClient(transport=transport),
    }


def refused(verifier: Verifier, token: str) -> bool:
    try:
        verifier.verify(token)
    except InvalidToken:
        return True
    return False


def test_the_verifier_finds_the_key_set_and_the_feed_in_the_issuers_metadata(tessera: FakeTessera, key: RSAKey) -> None:
    sid = str(uuid.uuid4())
    token = signed(header_for(key), claims(str(uuid.uuid4()), sid=sid), key)

    with Verifier.discover(
        ISSUER, AUDIENCE, poll_interval=0.05, stale_after_polls=40, **FEED, **clients(tessera)
    ) as verifier:
        assert verifier.verify(token).sid == sid
        tessera.revoke(sid)
        deadline = time.monotonic() + 2
        while not refused(verifier, token):
            assert time.monotonic() < deadline, "the revocation was not read from the discovered feed"
            time.sleep(0.02)

    assert [str(request.url) for request in tessera.metadata_requests] == [
        f"{BASE}/.well-known/oauth-authorization-server"
    ]
    assert verifier.metadata is not None and verifier.metadata.jwks_uri == f"{BASE}/.well-known/jwks.json"
    assert tessera.jwks_requests and tessera.feed_requests


@pytest.mark.anyio
async def test_an_async_service_discovers_in_its_event_loop(tessera: FakeTessera, key: RSAKey) -> None:
    user = str(uuid.uuid4())
    options = clients(tessera)
    del options["http_client"]
    async with await Verifier.adiscover(ISSUER, AUDIENCE, **FEED, **options) as verifier:
        assert (await verifier.averify(signed(header_for(key), claims(user), key))).sub == user
    assert len(tessera.metadata_requests) == 1 and tessera.feed_requests


@pytest.mark.parametrize("named", ["https://evil.example", f"{ISSUER}/", ISSUER.upper(), None, 42])
def test_metadata_naming_another_issuer_is_refused_and_nothing_it_names_is_fetched(
    tessera: FakeTessera, named: object
) -> None:
    tessera.metadata_issuer = named  # type: ignore[assignment]

    with pytest.raises(DiscoveryFailed, match="RFC 8414"):
        Verifier.discover(ISSUER, AUDIENCE, **FEED, **clients(tessera))

    assert tessera.metadata_requests and not tessera.jwks_requests and not tessera.feed_requests


@pytest.mark.parametrize(
    "answer",
    [
        httpx.Response(404, json={"status": 404}),
        httpx.Response(200, text="<html>"),
        httpx.Response(200, json=[ISSUER]),
        httpx.Response(200, json={"issuer": ISSUER}),
        httpx.Response(200, json={"issuer": ISSUER, "jwks_uri": "file:///etc/keys"}),
    ],
)
def test_metadata_that_is_not_a_usable_document_is_refused(answer: httpx.Response) -> None:
    client = httpx.Client(transport=httpx.MockTransport(lambda _: answer))
    with pytest.raises(DiscoveryFailed):
        Verifier.discover(ISSUER, AUDIENCE, http_client=client)


def test_unreachable_metadata_is_refused(tessera: FakeTessera) -> None:
    tessera.down = True
    with pytest.raises(DiscoveryFailed, match="could not be read"):
        Verifier.discover(ISSUER, AUDIENCE, **clients(tessera))


def test_a_trusted_client_needs_the_feed_in_the_metadata() -> None:
    document = {"issuer": ISSUER, "jwks_uri": f"{BASE}/.well-known/jwks.json"}
    client = httpx.Client(transport=httpx.MockTransport(lambda _: httpx.Response(200, json=document)))
    with pytest.raises(DiscoveryFailed, match="revocation_feed_endpoint"):
        Verifier.discover(ISSUER, AUDIENCE, **FEED, http_client=client)
    assert Verifier.discover(ISSUER, AUDIENCE, http_client=client).feed_status is None


@pytest.mark.parametrize(
    ("issuer", "url"),
    [
        ("https://auth.example.com", "https://auth.example.com/.well-known/oauth-authorization-server"),
        ("https://auth.example.com/", "https://auth.example.com/.well-known/oauth-authorization-server"),
        ("https://example.com/tenant/a", "https://example.com/.well-known/oauth-authorization-server/tenant/a"),
        ("http://127.0.0.1:8000", "http://127.0.0.1:8000/.well-known/oauth-authorization-server"),
    ],
)
def test_the_metadata_url_puts_the_well_known_suffix_before_the_issuers_path(issuer: str, url: str) -> None:
    assert metadata_url(issuer) == url


@pytest.mark.parametrize("issuer", ["tessera", "https://a.example/?x=1", "https://a.example/#f", "ftp://a.example"])
def test_an_issuer_that_is_not_an_http_url_cannot_be_discovered(issuer: str) -> None:
    with pytest.raises(ValueError, match="http"):
        metadata_url(issuer)


@pytest.mark.parametrize("field", ["jwks_uri", "revocation_feed_endpoint", "introspection_endpoint"])
def test_an_https_issuers_metadata_naming_a_plain_http_url_is_refused_and_nothing_is_fetched(
    tessera: FakeTessera, field: str
) -> None:
    """Keys fetched over plain HTTP could be anyone's (a forger's key set verifies the forger's tokens), and the
    feed's request carries the client secret: an issuer reached over TLS is not downgraded by its document."""
    document = {**tessera.metadata(), field: f"http://auth.tessera.test/{field}"}
    fetched: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        fetched.append(request)
        return httpx.Response(200, json=document)

    client = httpx.Client(transport=httpx.MockTransport(handle))
    with pytest.raises(DiscoveryFailed, match="https"):
        Verifier.discover(ISSUER, AUDIENCE, **FEED, http_client=client)
    assert [str(request.url) for request in fetched] == [f"{BASE}/.well-known/oauth-authorization-server"]


def test_a_plain_http_issuer_may_name_plain_http_urls() -> None:
    """A local issuer (`http://127.0.0.1:8000`, a test's, a development setup) is plain HTTP throughout."""
    issuer = "http://127.0.0.1:8000"
    document = {"issuer": issuer, "jwks_uri": f"{issuer}/.well-known/jwks.json"}
    client = httpx.Client(transport=httpx.MockTransport(lambda _: httpx.Response(200, json=document)))
    assert Verifier.discover(issuer, AUDIENCE, http_client=client).metadata is not None
