"""The one verified-token cache: never accept what the uncached path refuses, and stay bounded."""

import uuid
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from adapters.crypto.caching_token_verifier import CachingTokenVerifier
from adapters.crypto.joserfc_token_signer import JoserfcTokenSigner
from adapters.crypto.joserfc_token_verifier import JoserfcTokenVerifier
from adapters.crypto.signing_keys import AsymmetricKey, SigningKeySet, generate_key
from adapters.process.process_revocation_view import ProcessRevocationView
from application.ports.token_verifier import TokenVerifier
from application.use_cases.verify_access_token import VerifyAccessToken
from domain.claims import AccessClaims
from domain.errors import InvalidAccessToken
from domain.policy import TokenPolicy
from domain.sessions import Revocation
from tests.support.fakes import FixedClock

POLICY = TokenPolicy(
    issuer="https://tessera.test",
    audience="tessera",
    access_ttl=timedelta(minutes=15),
    refresh_ttl=timedelta(days=14),
    leeway=timedelta(seconds=30),
    refresh_grace=timedelta(seconds=10),
)


class CountingVerifier(TokenVerifier):
    def __init__(self, inner: TokenVerifier) -> None:
        self.inner = inner
        self.calls = 0

    def verify(self, token: str) -> Mapping[str, object]:
        self.calls += 1
        return self.inner.verify(token)


def a_key() -> AsymmetricKey:
    key = generate_key("ES256")
    key.ensure_kid()
    return key


@pytest.fixture(scope="module")
def key() -> AsymmetricKey:
    return a_key()


class World:
    def __init__(self, key: AsymmetricKey, max_tokens: int = 16) -> None:
        self.clock = FixedClock()
        self.keys = SigningKeySet(key, "ES256")
        self.counting = CountingVerifier(JoserfcTokenVerifier(self.keys))
        self.cache = CachingTokenVerifier(self.counting, self.keys, max_tokens=max_tokens)
        self.revocations = ProcessRevocationView(POLICY.revocation_window)
        self.verify = VerifyAccessToken(self.cache, self.revocations, self.clock, POLICY)
        self.signer = JoserfcTokenSigner(self.keys)

    def token(self, sid: uuid.UUID | None = None) -> str:
        now = int(self.clock.now().timestamp())
        return self.signer.sign_now(
            AccessClaims(
                iss=POLICY.issuer,
                aud=POLICY.audience,
                sub=uuid.uuid4(),
                exp=now + 900,
                iat=now,
                jti=uuid.uuid4(),
                sid=sid or uuid.uuid4(),
                roles=(),
            )
        )


def test_a_token_seen_again_is_not_verified_again(key: AsymmetricKey) -> None:
    world = World(key)
    token = world.token()
    first, second = world.verify.execute(token), world.verify.execute(token)
    assert first == second
    assert world.counting.calls == 1


def test_an_expired_token_is_refused_even_from_the_cache(key: AsymmetricKey) -> None:
    world = World(key)
    token = world.token()
    world.verify.execute(token)
    world.clock.advance(timedelta(minutes=15) + POLICY.leeway)
    with pytest.raises(InvalidAccessToken):
        world.verify.execute(token)


def test_a_revoked_session_is_refused_even_from_the_cache(key: AsymmetricKey) -> None:
    world = World(key)
    sid = uuid.uuid4()
    token = world.token(sid)
    world.verify.execute(token)
    world.revocations.add([Revocation(session_id=sid, revoked_at=world.clock.now())])
    with pytest.raises(InvalidAccessToken):
        world.verify.execute(token)
    assert world.counting.calls == 1  # refused on the cache hit, by the revocation check


def test_a_withdrawn_key_empties_the_cache(key: AsymmetricKey) -> None:
    world = World(key)
    token = world.token()
    world.verify.execute(token)
    replacement = a_key()
    world.keys.install((replacement, "ES256"), [(replacement, "ES256")])
    with pytest.raises(InvalidAccessToken):
        world.verify.execute(token)
    assert len(world.cache) == 0


def test_a_reloaded_key_set_verifies_again_before_accepting(key: AsymmetricKey) -> None:
    world = World(key)
    token = world.token()
    world.verify.execute(token)
    world.keys.install((key, "ES256"), [(key, "ES256")])
    world.verify.execute(token)
    assert world.counting.calls == 2


def test_a_refused_token_is_never_cached(key: AsymmetricKey) -> None:
    world = World(key)
    forged = world.token()[:-4] + "AAAA"
    for _ in range(2):
        with pytest.raises(InvalidAccessToken):
            world.verify.execute(forged)
    assert world.counting.calls == 2
    assert len(world.cache) == 0


def test_the_cache_keeps_at_most_its_bound_evicting_the_least_recently_used(key: AsymmetricKey) -> None:
    world = World(key, max_tokens=3)
    tokens = [world.token() for _ in range(4)]
    for token in tokens[:3]:
        world.verify.execute(token)
    world.verify.execute(tokens[0])  # used again: now the most recent
    world.verify.execute(tokens[3])  # evicts tokens[1]
    assert len(world.cache) == 3
    calls = world.counting.calls
    world.verify.execute(tokens[0])
    assert world.counting.calls == calls
    world.verify.execute(tokens[1])
    assert world.counting.calls == calls + 1


def test_a_cached_payload_cannot_be_altered_by_its_reader(key: AsymmetricKey) -> None:
    world = World(key)
    token = world.token()
    payload = world.cache.verify(token)
    with pytest.raises(TypeError):
        payload["exp"] = 2**40  # type: ignore[index]


def test_claims_checked_at_a_later_moment_use_that_moment(key: AsymmetricKey) -> None:
    world = World(key)
    token = world.token()
    world.verify.execute(token)
    world.clock.current = datetime(2025, 1, 1, tzinfo=UTC)  # a token issued in the future is refused
    with pytest.raises(InvalidAccessToken):
        world.verify.execute(token)


def test_without_the_cache_every_request_checks_the_signature(key: AsymmetricKey) -> None:
    world = World(key)
    verify = VerifyAccessToken(world.counting, world.revocations, world.clock, POLICY)
    token = world.token()
    verify.execute(token)
    verify.execute(token)
    assert world.counting.calls == 2
    forged = token[:-4] + "AAAA"
    with pytest.raises(InvalidAccessToken):
        verify.execute(forged)


def test_cached_claims_stay_within_the_cache_bound_forgetting_the_oldest(key: AsymmetricKey) -> None:
    world = World(key, max_tokens=3)
    tokens = [world.token() for _ in range(5)]
    principals = [world.verify.execute(token) for token in tokens]
    assert len(world.cache) == 3
    assert [world.verify.execute(token) for token in tokens] == principals


def test_a_cached_token_is_refused_under_a_policy_its_claims_do_not_meet(key: AsymmetricKey) -> None:
    world = World(key)
    foreign = VerifyAccessToken(world.cache, world.revocations, world.clock, replace(POLICY, audience="another"))
    token = world.token()
    world.verify.execute(token)
    with pytest.raises(InvalidAccessToken):  # the same, cached token judged under another policy
        foreign.execute(token)


def test_a_token_seen_again_names_the_principal_made_the_first_time(key: AsymmetricKey) -> None:
    world = World(key)
    token = world.token()
    first = world.verify.execute(token)
    assert world.verify.execute(token) is first
    assert world.cache.verified_principal(token, POLICY)[0] is first


def test_a_cached_token_judged_under_another_policy_names_a_principal_of_its_own_claims(key: AsymmetricKey) -> None:
    world = World(key)
    token = world.token()
    first = world.verify.execute(token)
    other = VerifyAccessToken(world.cache, world.revocations, world.clock, replace(POLICY, leeway=timedelta(0)))
    again = other.execute(token)
    assert again == first
    assert again is not first
    assert world.counting.calls == 1
