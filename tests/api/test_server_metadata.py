"""RFC 8414 metadata at /.well-known/oauth-authorization-server: built from TESSERA_ISSUER, true to the routes
tessera serves and to how its trusted clients authenticate, cached like the JWKS, in the OpenAPI schema."""

from pathlib import Path

import pytest
from joserfc.jwk import ECKey
from litestar.testing import AsyncTestClient

from adapters.crypto.signing_keys import SigningKeySet
from entrypoints.http.app import create_app
from tests.support.flows import Client, log_in, register
from tests.support.http import settings_for_tests
from tests.support.oauth import CLIENT, CLIENT_ID, CLIENT_SECRET, basic
from tests.support.stored import in_app

pytestmark = [pytest.mark.anyio, pytest.mark.app]
METADATA = "/.well-known/oauth-authorization-server"
ISSUER = "https://auth.tessera.test"


async def test_the_metadata_names_the_configured_issuer_and_tesseras_routes_under_it(client: Client) -> None:
    response = await client.get(METADATA)

    assert response.status_code == 200
    assert response.json() == {
        "issuer": ISSUER,
        "jwks_uri": f"{ISSUER}/.well-known/jwks.json",
        "introspection_endpoint": f"{ISSUER}/oauth/introspect",
        "introspection_endpoint_auth_methods_supported": ["client_secret_basic"],
        "revocation_endpoint": f"{ISSUER}/oauth/revoke",
        "revocation_endpoint_auth_methods_supported": ["client_secret_basic"],
        "revocation_feed_endpoint": f"{ISSUER}/oauth/revocations",
        "access_token_signing_alg_values_supported": ["RS256"],
        "response_types_supported": [],
        "grant_types_supported": [],
    }
    assert response.headers["content-type"] == "application/json"


async def test_every_endpoint_it_names_is_served_by_tessera_and_accepts_the_auth_method_it_names(
    tmp_path: Path,
) -> None:
    settings = settings_for_tests("memory://", tmp_path, oauth_clients=(CLIENT,))
    async with AsyncTestClient(create_app(settings)) as client:
        document = (await client.get(METADATA)).json()
        await register(client)
        access = (await log_in(client))["access_token"]

        def path(url: str) -> str:
            assert url.startswith(ISSUER)
            return url.removeprefix(ISSUER)

        keys = (await client.get(path(document["jwks_uri"]))).json()["keys"]
        assert sorted({key["alg"] for key in keys}) == document["access_token_signing_alg_values_supported"]
        assert document["introspection_endpoint_auth_methods_supported"] == ["client_secret_basic"]
        introspected = await client.post(
            path(document["introspection_endpoint"]), data={"token": access}, headers=basic()
        )
        assert introspected.json()["active"] is True
        as_post = {"token": access, "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}
        assert (await client.post(path(document["introspection_endpoint"]), data=as_post)).status_code == 401
        feed = await client.get(path(document["revocation_feed_endpoint"]), headers=basic())
        assert feed.status_code == 200 and feed.json()["revocations"] == []
        revoked = await client.post(path(document["revocation_endpoint"]), data={"token": access}, headers=basic())
        assert revoked.status_code == 200
        assert (
            await client.post(path(document["introspection_endpoint"]), data={"token": access}, headers=basic())
        ).json() == {"active": False}


async def test_it_is_cached_like_the_jwks_and_revalidated_with_its_etag(client: Client) -> None:
    response = await client.get(METADATA)
    etag = response.headers["etag"]
    assert response.headers["cache-control"] == "public, max-age=300"
    assert etag.startswith('"') and not etag.startswith("W/")

    again = await client.get(METADATA, headers={"If-None-Match": etag})

    assert (again.status_code, again.content, again.headers["etag"]) == (304, b"", etag)
    assert again.headers["cache-control"] == "public, max-age=300"


async def test_a_key_of_another_algorithm_in_the_set_is_published_with_a_new_etag(client: Client) -> None:
    before = await client.get(METADATA)
    keys = await in_app(client, lambda container: container.get(SigningKeySet))
    pending = ECKey.generate_key("P-256", private=True)
    pending.ensure_kid()

    keys.install((keys.active, "RS256"), [(keys.active, "RS256"), (pending, "ES256")])

    after = await client.get(METADATA, headers={"If-None-Match": before.headers["etag"]})
    assert after.status_code == 200
    assert after.json()["access_token_signing_alg_values_supported"] == ["ES256", "RS256"]


@pytest.mark.parametrize(
    ("issuer", "base"),
    [("https://example.com/auth/", "https://example.com/auth"), ("http://localhost:8000", "http://localhost:8000")],
)
async def test_the_urls_join_the_issuer_as_configured_with_one_slash(tmp_path: Path, issuer: str, base: str) -> None:
    async with AsyncTestClient(create_app(settings_for_tests("memory://", tmp_path, issuer=issuer))) as client:
        document = (await client.get(METADATA)).json()
    assert document["issuer"] == issuer
    assert document["jwks_uri"] == f"{base}/.well-known/jwks.json"
    assert document["revocation_feed_endpoint"] == f"{base}/oauth/revocations"


@pytest.mark.parametrize("issuer", ["tessera", "urn:example:tessera", "https://auth.example.com/?tenant=1", "ftp://x"])
async def test_an_issuer_that_is_not_an_http_url_publishes_no_metadata_but_a_404_problem(
    tmp_path: Path, issuer: str
) -> None:
    async with AsyncTestClient(create_app(settings_for_tests("memory://", tmp_path, issuer=issuer))) as client:
        response = await client.get(METADATA)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert "TESSERA_ISSUER" in response.json()["detail"]


async def test_the_openapi_schema_documents_the_metadata_route(client: Client) -> None:
    schema = (await client.get("/schema/openapi.json")).json()
    operation = schema["paths"][METADATA]["get"]
    assert {"200", "304", "404"} <= set(operation["responses"])
    documented = schema["components"]["schemas"]["ServerMetadata"]["properties"]
    assert {"issuer", "jwks_uri", "introspection_endpoint", "revocation_feed_endpoint"} <= set(documented)
