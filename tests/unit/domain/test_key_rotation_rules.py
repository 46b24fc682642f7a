from datetime import UTC, datetime, timedelta

from domain.keys import SigningKeyRecord, published_keys, signing_key
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
