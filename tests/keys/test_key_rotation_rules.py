from datetime import UTC, datetime, timedelta

import pytest

from domain.key_errors import JwksOutlivesPropagation
from domain.keys import KeyState, KeyTimings, SigningKeyRecord, key_statuses, published_keys, signing_key
from domain.policy import TokenPolicy

POLICY = TokenPolicy(issuer="https://issuer.example", audience="api", access_ttl=timedelta(minutes=15))
T0 = datetime(2026, 1, 1, tzinfo=UTC)
PROPAGATION = timedelta(minutes=6)


def key(kid: str, signs_from: datetime, withdrawn_at: datetime | None = None) -> SigningKeyRecord:
    return SigningKeyRecord(kid, "RS256", "{}", "sealed", signs_from - PROPAGATION, signs_from, withdrawn_at)


OLD = key("old", T0)
NEW = key("new", T0 + timedelta(hours=1))


def test_a_new_key_is_published_before_it_signs():
    moment = NEW.created_at + timedelta(seconds=1)
    assert signing_key([OLD, NEW], moment) == OLD
    assert [r.kid for r in published_keys([OLD, NEW], moment, POLICY)] == ["old", "new"]


def test_the_new_key_signs_once_its_propagation_delay_has_passed():
    assert signing_key([OLD, NEW], NEW.signs_from) == NEW


def test_the_old_key_stays_published_until_its_last_token_has_expired():
    last_token_expiry = NEW.signs_from + POLICY.revocation_window
    just_before = published_keys([OLD, NEW], last_token_expiry - timedelta(seconds=1), POLICY)
    assert [r.kid for r in just_before] == ["old", "new"]
    assert [r.kid for r in published_keys([OLD, NEW], last_token_expiry, POLICY)] == ["new"]


def test_a_withdrawn_key_neither_signs_nor_is_published():
    withdrawn = key("old", T0, withdrawn_at=T0 + timedelta(minutes=1))
    moment = T0 + timedelta(minutes=2)
    assert signing_key([withdrawn], moment) is None
    assert published_keys([withdrawn], moment, POLICY) == []


def test_with_several_rotations_each_key_hands_over_to_the_next():
    third = key("third", T0 + timedelta(hours=2))
    moment = third.signs_from + timedelta(minutes=1)
    assert signing_key([OLD, NEW, third], moment) == third
    assert [r.kid for r in published_keys([OLD, NEW, third], moment, POLICY)] == ["new", "third"]


def test_each_key_is_pending_signing_verifying_retired_or_withdrawn():
    pending, withdrawn = key("pending", T0 + timedelta(hours=2)), key("gone", T0, withdrawn_at=T0)
    moment = NEW.signs_from + timedelta(minutes=1)
    states = {s.kid: s.state for s in key_statuses([OLD, NEW, pending, withdrawn], moment, POLICY)}
    assert states == {"old": "verifying", "new": "signing", "pending": "pending", "gone": "withdrawn"}
    later = pending.signs_from + POLICY.revocation_window + timedelta(hours=1)
    assert [s.state for s in key_statuses([OLD, NEW], later, POLICY)] == [KeyState.RETIRED, KeyState.SIGNING]


def test_the_jwks_lifetime_is_what_the_propagation_leaves_after_a_reload_at_most_300_seconds():
    assert KeyTimings().jwks_lifetime == timedelta(seconds=300)
    assert KeyTimings(timedelta(seconds=65), timedelta(seconds=5)).jwks_lifetime == timedelta(seconds=60)
    assert KeyTimings(timedelta(seconds=2), timedelta(seconds=5)).jwks_lifetime == timedelta(0)


def test_a_jwks_max_age_that_outlives_the_propagation_is_refused():
    with pytest.raises(JwksOutlivesPropagation) as refused:
        KeyTimings(timedelta(seconds=60), timedelta(seconds=5), jwks_max_age=timedelta(seconds=56))
    assert refused.value.longest == timedelta(seconds=55)


def test_a_rotation_reaches_every_verifier_only_after_a_reload_and_a_jwks_lifetime():
    timings = KeyTimings(timedelta(seconds=2), timedelta(seconds=5))
    assert not timings.reaches_every_verifier(timings.propagation)
    assert KeyTimings().reaches_every_verifier(KeyTimings().propagation)
