"""The JWKS as the verifier fetches it: cached for its max-age, revalidated by ETag, fetched at once for an
unknown kid (on its own rate limit), and kept through an outage of tessera."""

import asyncio
import time
import uuid

import pytest
from joserfc.jwk import ECKey, RSAKey
from tessera_verifier import InvalidToken, JwksTiming, Verifier
from tessera_verifier.jwks import JwksCache

from tests.support.forgery import claims, header_for, signed
from tests.verifier.conftest import verifier_for
from tests.verifier.fake_tessera import FakeTessera

pytestmark = pytest.mark.app

USER = str(uuid.uuid4())


def token_of(key: RSAKey | ECKey, alg: str = "RS256") -> str:
    return signed(header_for(key, alg=alg), claims(USER), key)


def test_the_key_set_is_fetched_once_and_kept_for_its_max_age(
    verifier: Verifier, tessera: FakeTessera, key: RSAKey
) -> None:
    for _ in range(3):
        verifier.verify(token_of(key))
    assert len(tessera.jwks_requests) == 1


class FakeMonotonic:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_past_its_max_age_the_key_set_is_revalidated_with_its_etag() -> None:
    clock = FakeMonotonic()
    cache = JwksCache(monotonic=clock)
    cache.fetched(200, {"cache-control": "public, max-age=60", "etag": '"v1"'}, b'{"keys": []}')
    clock.now += 59
    assert not cache.is_due()
    clock.now += 2
    assert cache.is_due() and cache.request_headers() == {"If-None-Match": '"v1"'}
    kept = cache.keys
    cache.fetched(304, {"cache-control": "max-age=60"}, b"")
    assert cache.keys is kept and not cache.is_due()


def test_a_failed_fetch_keeps_the_last_good_key_set_and_retries_later() -> None:
    clock = FakeMonotonic()
    cache = JwksCache(JwksTiming(retry_after_failure=5), monotonic=clock)
    cache.fetched(200, {"cache-control": "max-age=60"}, b'{"keys": []}')
    kept = cache.keys
    clock.now += 61
    cache.failed()
    cache.fetched(503, {}, b"")
    cache.fetched(200, {}, b"not json")
    assert cache.keys is kept and not cache.is_due()
    clock.now += 5
    assert cache.is_due()


def test_a_key_rotated_in_verifies_at_its_first_token_despite_the_max_age(
    verifier: Verifier, tessera: FakeTessera, key: RSAKey
) -> None:
    verifier.verify(token_of(key))
    rotated = RSAKey.generate_key(2048, private=True)
    rotated.ensure_kid()
    tessera.keys.append((rotated, "RS256"))
    assert verifier.verify(token_of(rotated)).sub == USER
    assert len(tessera.jwks_requests) == 2


def test_unknown_kids_fetch_at_most_once_per_interval(tessera: FakeTessera, key: RSAKey) -> None:
    stranger = RSAKey.generate_key(2048, private=True)
    stranger.ensure_kid()
    with verifier_for(tessera, jwks_timing=JwksTiming(unknown_kid_interval=3600)) as verifier:
        verifier.verify(token_of(key))
        for _ in range(20):
            with pytest.raises(InvalidToken):
                verifier.verify(token_of(stranger))
    assert len(tessera.jwks_requests) == 2


def test_while_tessera_is_down_known_keys_still_verify(verifier: Verifier, tessera: FakeTessera, key: RSAKey) -> None:
    verifier.verify(token_of(key))
    tessera.down = True
    assert verifier.verify(token_of(key)).sub == USER
    assert asyncio.run(verifier.averify(token_of(key))).sub == USER


def test_a_key_published_for_one_algorithm_verifies_no_other(tessera: FakeTessera) -> None:
    ec = ECKey.generate_key("P-256", private=True)
    ec.ensure_kid()
    tessera.keys.append((ec, "ES256"))
    with verifier_for(tessera) as verifier:
        assert verifier.verify(token_of(ec, "ES256")).sub == USER
        with pytest.raises(InvalidToken):
            verifier.verify(signed(header_for(ec, alg="RS256"), claims(USER), ec, alg="ES256"))


def test_a_retired_key_stops_verifying_once_the_key_set_no_longer_has_it(tessera: FakeTessera, key: RSAKey) -> None:
    """Even a token remembered as verified: a new key set forgets what the old one verified."""
    old = RSAKey.generate_key(2048, private=True)
    old.ensure_kid()
    tessera.keys.append((old, "RS256"))
    tessera.max_age = 0  # kept for the shortest time the verifier allows: one second
    with verifier_for(tessera) as verifier:
        token = token_of(old)
        assert verifier.verify(token).sub == USER
        tessera.keys.remove((old, "RS256"))
        time.sleep(1.1)
        with pytest.raises(InvalidToken):
            verifier.verify(token)
