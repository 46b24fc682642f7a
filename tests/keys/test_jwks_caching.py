"""The JWKS is cacheable for a max-age that keeps `key reload + max-age <= key propagation`, with a strong ETag."""

from datetime import timedelta
from pathlib import Path

import pytest
from joserfc.jwk import ECKey
from litestar.testing import AsyncTestClient

from adapters.crypto.signing_keys import SigningKeySet
from entrypoints.http.app import create_app
from entrypoints.settings.environment import ConfigError
from entrypoints.settings.reader import settings_from_env
from tests.support.flows import Client
from tests.support.http import settings_for_tests
from tests.support.stored import in_app

pytestmark = [pytest.mark.anyio, pytest.mark.app]
JWKS = "/.well-known/jwks.json"


async def test_the_jwks_is_public_for_the_derived_max_age_with_a_strong_etag(client: Client) -> None:
    response = await client.get(JWKS)

    assert response.status_code == 200
    assert response.headers["cache-control"] == "public, max-age=300"
    etag = response.headers["etag"]
    assert etag.startswith('"') and etag.endswith('"') and not etag.startswith("W/")
    assert (await client.get(JWKS)).headers["etag"] == etag


@pytest.mark.parametrize("form", ["{etag}", "W/{etag}", '"other", {etag}', "*"])
async def test_a_matching_if_none_match_answers_304_without_a_body(client: Client, form: str) -> None:
    etag = (await client.get(JWKS)).headers["etag"]

    response = await client.get(JWKS, headers={"If-None-Match": form.format(etag=etag)})

    assert response.status_code == 304
    assert response.content == b""
    assert response.headers["etag"] == etag
    assert response.headers["cache-control"] == "public, max-age=300"


async def test_a_stale_etag_gets_the_key_set(client: Client) -> None:
    response = await client.get(JWKS, headers={"If-None-Match": '"stale"'})
    assert response.status_code == 200 and response.json()["keys"]


async def test_a_new_key_in_the_set_gives_a_new_etag_and_the_old_one_no_longer_matches(client: Client) -> None:
    before = await client.get(JWKS)
    keys = await in_app(client, lambda container: container.get(SigningKeySet))
    signing = keys.active
    pending = ECKey.generate_key("P-256", private=True)
    pending.ensure_kid()

    keys.install((signing, "RS256"), [(signing, "RS256"), (pending, "ES256")])  # as a reload after `keys rotate`

    after = await client.get(JWKS, headers={"If-None-Match": before.headers["etag"]})
    assert after.status_code == 200
    assert after.headers["etag"] != before.headers["etag"]
    assert pending.kid in {key["kid"] for key in after.json()["keys"]}


async def test_the_max_age_follows_the_configured_propagation(tmp_path: Path) -> None:
    settings = settings_for_tests(
        "memory://", tmp_path, key_propagation=timedelta(seconds=12), key_reload=timedelta(seconds=2)
    )
    async with AsyncTestClient(create_app(settings)) as client:
        assert (await client.get(JWKS)).headers["cache-control"] == "public, max-age=10"


@pytest.mark.parametrize(
    ("environment", "max_age"),
    [
        ({}, 300),
        ({"TESSERA_KEY_PROPAGATION_SECONDS": "3600"}, 300),
        ({"TESSERA_KEY_PROPAGATION_SECONDS": "65", "TESSERA_KEY_RELOAD_SECONDS": "5"}, 60),
        ({"TESSERA_KEY_PROPAGATION_SECONDS": "2", "TESSERA_KEY_RELOAD_SECONDS": "5"}, 0),
        ({"TESSERA_JWKS_MAX_AGE_SECONDS": "30"}, 30),
        ({"TESSERA_JWKS_MAX_AGE_SECONDS": "355"}, 355),
    ],
)
def test_the_max_age_is_derived_or_set_and_never_lets_a_key_sign_before_caches_hold_it(
    environment: dict[str, str], max_age: int
) -> None:
    settings = settings_from_env(environment)
    assert settings.jwks_cache_lifetime == timedelta(seconds=max_age)
    assert settings.key_reload + settings.jwks_cache_lifetime <= settings.key_propagation or max_age == 0


def test_a_max_age_longer_than_the_propagation_allows_stops_start_up() -> None:
    with pytest.raises(ConfigError, match=r"TESSERA_JWKS_MAX_AGE_SECONDS: must be at most .* \(355\)"):
        settings_from_env({"TESSERA_JWKS_MAX_AGE_SECONDS": "356"})
