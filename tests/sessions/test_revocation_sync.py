"""How one replica learns of revocations made by another, through the shared store."""

from datetime import timedelta

import pytest

from domain.errors import InvalidAccessToken

pytestmark = pytest.mark.anyio

LOOKBACK = timedelta(seconds=30)


async def test_a_poll_picks_up_a_logout_made_at_another_replica(app):
    other = await app.restarted()
    pair = await app.log_in()
    await app.log_out(app.verify(pair.access_token))
    other.verify(pair.access_token)  # not yet known there

    await other.load_revocations().execute(other.clock.now(), LOOKBACK)

    with pytest.raises(InvalidAccessToken):
        other.verify(pair.access_token)


async def test_after_a_long_disconnection_a_poll_reads_back_to_its_last_success(app):
    other = await app.restarted()
    last_success = other.clock.now()
    await other.load_revocations().execute(last_success, LOOKBACK)
    pair = await app.log_in()
    await app.log_out(app.verify(pair.access_token))
    app.clock.advance(timedelta(minutes=2))  # the other replica could not reach the store meanwhile

    await other.load_revocations().execute(last_success, LOOKBACK)

    with pytest.raises(InvalidAccessToken):
        other.verify(pair.access_token)


async def test_a_poll_reads_from_the_lookback_before_its_last_success_and_never_past_the_window(app):
    sync, now = app.load_revocations(), app.clock.now()
    window = app.policy.revocation_window

    assert sync.since(now, None, LOOKBACK) == now - window
    assert sync.since(now, now - timedelta(seconds=1), LOOKBACK) == now - LOOKBACK - timedelta(seconds=1)
    assert sync.since(now, now - timedelta(minutes=2), LOOKBACK) == now - timedelta(minutes=2) - LOOKBACK
    assert sync.since(now, now - timedelta(hours=5), LOOKBACK) == now - window
