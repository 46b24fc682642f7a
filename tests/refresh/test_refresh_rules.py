from dataclasses import replace
from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest

from domain.claims import access_claims_for
from domain.policy import TokenPolicy
from domain.rotation import RefreshVerdict, issue_refresh_token, judge_refresh, plan_rotation, rotates_at_once, spend
from domain.sessions import (
    RevocationReason,
    hash_refresh_token,
    open_session,
)
from domain.successor_seal import SealKey, seal_successor, unseal_successor
from domain.users import Email, User

POLICY = TokenPolicy(
    issuer="https://issuer.example",
    audience="tessera-api",
    access_ttl=timedelta(minutes=15),
    refresh_ttl=timedelta(days=14),
)
OPENED = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
EXPIRES = OPENED + POLICY.refresh_ttl
ADA = User(
    id=UUID(int=1),
    email=Email.parse("ada@example.com"),
    display_name="Ada",
    password_hash="plain$correct horse",
    roles=("admin", "support"),
    created_at=OPENED,
)
SESSION = open_session(user=ADA, session_id=UUID(int=2), now=OPENED, policy=POLICY)
TOKEN = issue_refresh_token(
    SESSION, token_id=UUID(int=3), token_hash=hash_refresh_token("refresh-token-1"), now=OPENED, policy=POLICY
)
REVOKED_SESSION = SESSION.revoke(OPENED + timedelta(hours=1), RevocationReason.LOGOUT)


def test_a_new_session_belongs_to_its_user_and_is_live():
    assert (SESSION.user_id, SESSION.created_at, SESSION.last_used_at) == (ADA.id, OPENED, OPENED)
    assert not SESSION.is_revoked


def test_a_refresh_token_lives_for_the_refresh_ttl_and_stores_only_a_hash():
    assert TOKEN.expires_at == OPENED + timedelta(days=14)
    assert TOKEN.session_id == SESSION.id
    assert "refresh-token-1" not in TOKEN.token_hash


def test_a_live_refresh_token_is_rotated():
    assert judge_refresh(TOKEN, SESSION, OPENED + timedelta(days=1)) is RefreshVerdict.ROTATE


def test_a_refresh_token_is_live_until_the_instant_before_it_expires():
    assert judge_refresh(TOKEN, SESSION, EXPIRES - timedelta(microseconds=1)) is RefreshVerdict.ROTATE


def test_a_refresh_token_presented_exactly_at_its_expiry_has_expired():
    assert judge_refresh(TOKEN, SESSION, EXPIRES) is RefreshVerdict.EXPIRED


def test_a_spent_refresh_token_is_judged_reused():
    spent = spend(TOKEN, OPENED + timedelta(minutes=5))

    assert judge_refresh(spent, SESSION, OPENED + timedelta(minutes=6)) is RefreshVerdict.REUSED


def test_reuse_outranks_expiry():
    spent = spend(TOKEN, OPENED + timedelta(minutes=5))

    assert judge_refresh(spent, SESSION, EXPIRES + timedelta(days=1)) is RefreshVerdict.REUSED


def test_reuse_outranks_a_revoked_session():
    spent = spend(TOKEN, OPENED + timedelta(minutes=5))

    assert judge_refresh(spent, REVOKED_SESSION, OPENED + timedelta(hours=2)) is RefreshVerdict.REUSED


def test_reuse_outranks_expiry_and_revocation_together():
    spent = spend(TOKEN, OPENED + timedelta(minutes=5))

    assert judge_refresh(spent, REVOKED_SESSION, EXPIRES + timedelta(days=1)) is RefreshVerdict.REUSED


def test_a_live_token_of_a_revoked_session_is_judged_revoked():
    assert judge_refresh(TOKEN, REVOKED_SESSION, OPENED + timedelta(hours=2)) is RefreshVerdict.REVOKED


def test_revocation_outranks_expiry():
    assert judge_refresh(TOKEN, REVOKED_SESSION, EXPIRES + timedelta(days=1)) is RefreshVerdict.REVOKED


def test_spending_a_token_records_when_it_was_rotated():
    moment = OPENED + timedelta(minutes=5)

    assert spend(TOKEN, moment).rotated_at == moment
    assert not TOKEN.is_spent


def test_the_first_revocation_of_a_session_stands():
    again = REVOKED_SESSION.revoke(OPENED + timedelta(days=1), RevocationReason.REFRESH_TOKEN_REUSED)

    assert (again.revoked_at, again.revocation_reason) == (OPENED + timedelta(hours=1), RevocationReason.LOGOUT)


@pytest.mark.parametrize("ttl", [timedelta(minutes=15), timedelta(minutes=5), timedelta(seconds=90)])
def test_an_access_token_expires_one_access_ttl_after_it_is_issued(ttl):
    policy = TokenPolicy(issuer=POLICY.issuer, audience=POLICY.audience, access_ttl=ttl)
    now = OPENED + timedelta(minutes=3)

    claims = access_claims_for(ADA, SESSION, jti=UUID(int=9), now=now, policy=policy)

    assert claims.iat == int(now.timestamp())
    assert claims.exp == claims.iat + int(ttl.total_seconds())


def test_access_claims_carry_the_user_session_roles_and_identity_of_the_policy():
    claims = access_claims_for(ADA, SESSION, jti=UUID(int=9), now=OPENED, policy=POLICY)

    assert claims.sub == ADA.id
    assert claims.sid == SESSION.id
    assert claims.jti == UUID(int=9)
    assert claims.roles == ("admin", "support")
    assert (claims.iss, claims.aud) == ("https://issuer.example", "tessera-api")


GRACE = timedelta(seconds=10)
ROTATED_AT = OPENED + timedelta(minutes=5)
SUCCESSOR = issue_refresh_token(
    SESSION, token_id=UUID(int=4), token_hash=hash_refresh_token("refresh-token-2"), now=ROTATED_AT, policy=POLICY
)
ROTATED = replace(TOKEN, rotated_at=ROTATED_AT, successor_id=SUCCESSOR.id, sealed_successor="00")


def test_a_just_rotated_token_repeats_its_rotation_within_the_grace_window():
    verdict = judge_refresh(ROTATED, SESSION, ROTATED_AT + timedelta(seconds=9), successor=SUCCESSOR, grace=GRACE)
    assert verdict is RefreshVerdict.REPEAT_ROTATION


def test_the_grace_window_is_absolute_from_the_first_rotation():
    verdict = judge_refresh(ROTATED, SESSION, ROTATED_AT + GRACE, successor=SUCCESSOR, grace=GRACE)
    assert verdict is RefreshVerdict.REUSED


@pytest.mark.parametrize(
    ("successor", "session"),
    [
        (spend(SUCCESSOR, ROTATED_AT + timedelta(seconds=1)), SESSION),
        (SUCCESSOR, REVOKED_SESSION),
        (replace(SUCCESSOR, id=UUID(int=99)), SESSION),
        (None, SESSION),
    ],
    ids=["successor-used", "session-revoked", "not-its-successor", "no-successor"],
)
def test_outside_those_conditions_a_spent_token_within_the_window_is_reuse(successor, session):
    verdict = judge_refresh(ROTATED, session, ROTATED_AT + timedelta(seconds=1), successor=successor, grace=GRACE)
    assert verdict is RefreshVerdict.REUSED


KEY, OTHER_KEY = SealKey(bytes(range(32))), SealKey(bytes(32))


def test_a_sealed_successor_opens_only_with_its_predecessor_and_the_servers_seal_key():
    sealed = seal_successor("predecessor-secret", "successor-secret", KEY)
    assert "successor-secret" not in sealed
    assert unseal_successor("predecessor-secret", sealed, KEY) == "successor-secret"
    assert unseal_successor("another-secret", sealed, KEY) != "successor-secret"
    assert unseal_successor("predecessor-secret", sealed, OTHER_KEY) != "successor-secret"
    assert unseal_successor("predecessor-secret", "not hex", KEY) is None


def test_a_seal_key_is_32_bytes_and_never_shown():
    with pytest.raises(ValueError, match="32 bytes"):
        SealKey(b"short")
    assert bytes(range(32)).hex() not in repr(KEY) and str(bytes(range(32))) not in repr(KEY)


LIFETIMES = replace(POLICY, session_max_age=timedelta(days=30), short_session_max_age=timedelta(hours=12))
ENDS = OPENED + timedelta(days=30)


def test_a_session_ends_one_absolute_lifetime_after_login_short_if_not_remembered():
    remembered = open_session(user=ADA, session_id=UUID(int=5), now=OPENED, policy=LIFETIMES)
    forgotten = open_session(user=ADA, session_id=UUID(int=6), now=OPENED, policy=LIFETIMES, remember=False)

    assert (remembered.expires_at, remembered.remember) == (ENDS, True)
    assert (forgotten.expires_at, forgotten.remember) == (OPENED + timedelta(hours=12), False)


def test_a_live_token_of_a_session_past_its_absolute_lifetime_is_judged_expired_whatever_the_rotation():
    session = open_session(user=ADA, session_id=UUID(int=5), now=OPENED, policy=LIFETIMES)
    fresh = replace(TOKEN, issued_at=ENDS - timedelta(minutes=1), expires_at=ENDS + timedelta(days=13))

    assert judge_refresh(fresh, session, ENDS - timedelta(microseconds=1)) is RefreshVerdict.ROTATE
    assert judge_refresh(fresh, session, ENDS) is RefreshVerdict.EXPIRED
    assert not rotates_at_once(fresh, session, ADA, ENDS)


def test_a_repeat_within_the_grace_window_of_a_session_past_its_lifetime_is_expired_not_repeated():
    session = replace(SESSION, expires_at=ROTATED_AT + timedelta(seconds=5))
    moment = ROTATED_AT + timedelta(seconds=6)

    assert judge_refresh(ROTATED, session, moment, successor=SUCCESSOR, grace=GRACE) is RefreshVerdict.EXPIRED


def test_a_refresh_token_never_outlives_its_sessions_absolute_lifetime():
    session = open_session(user=ADA, session_id=UUID(int=5), now=OPENED, policy=LIFETIMES, remember=False)
    late = OPENED + timedelta(hours=11)

    token = issue_refresh_token(session, token_id=UUID(int=7), token_hash="h", now=late, policy=LIFETIMES)
    plan = plan_rotation("p", "00", successor_id=UUID(int=8), successor_hash="s", now=late, policy=LIFETIMES)

    assert token.expires_at == session.expires_at
    assert plan.successor_in(session).expires_at == session.expires_at


def test_a_session_past_its_absolute_lifetime_is_not_live_whatever_its_tokens():
    session = open_session(user=ADA, session_id=UUID(int=5), now=OPENED, policy=LIFETIMES, remember=False)
    token = replace(TOKEN, session_id=session.id, expires_at=OPENED + timedelta(days=14))

    assert session.is_live_with([token], OPENED + timedelta(hours=12) - timedelta(microseconds=1))
    assert not session.is_live_with([token], OPENED + timedelta(hours=12))


def test_an_access_token_never_outlives_its_sessions_absolute_end():
    """The third review's case: a session of 60 s refreshed at 50 s gets an access token for 10 s, not 15 min."""
    minute = TokenPolicy(POLICY.issuer, POLICY.audience, session_max_age=timedelta(seconds=60))
    session = open_session(user=ADA, session_id=UUID(int=2), now=OPENED, policy=minute)

    at_login = access_claims_for(ADA, session, jti=UUID(int=9), now=OPENED, policy=minute)
    at_refresh = access_claims_for(ADA, session, jti=UUID(int=9), now=OPENED + timedelta(seconds=50), policy=minute)

    assert at_login.exp == at_refresh.exp == int((OPENED + timedelta(seconds=60)).timestamp())
    assert at_refresh.exp - at_refresh.iat == 10


def test_an_access_token_ends_at_or_before_a_session_end_that_falls_between_two_seconds():
    session = replace(SESSION, expires_at=OPENED + timedelta(seconds=30, microseconds=999_999))

    claims = access_claims_for(ADA, session, jti=UUID(int=9), now=OPENED, policy=POLICY)

    assert claims.exp == int(OPENED.timestamp()) + 30
