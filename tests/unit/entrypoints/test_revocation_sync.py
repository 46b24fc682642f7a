"""How one replica learns of revocations made by another, through the shared store."""

from datetime import timedelta

import pytest

from domain.errors import InvalidAccessToken
from entrypoints.background import BackgroundWork, Schedule

pytestmark = pytest.mark.anyio

LOOKBACK = timedelta(seconds=30)


async def test_a_poll_picks_up_a_logout_made_at_another_replica(app):
    other = await app.restarted()
    sync = BackgroundWork(other.container, other.clock, Schedule(revocation_lookback=LOOKBACK))
    pair = await app.log_in()
    await app.log_out(app.verify(pair.access_token))
    other.verify(pair.access_token)  # not yet known there

    await sync._sync_revocations()

    with pytest.raises(InvalidAccessToken):
        other.verify(pair.access_token)


async def test_after_a_long_disconnection_a_poll_reads_back_to_its_last_success(app):
    other = await app.restarted()
    sync = BackgroundWork(other.container, other.clock, Schedule(revocation_lookback=LOOKBACK))
    await sync._sync_revocations()
    pair = await app.log_in()
    await app.log_out(app.verify(pair.access_token))
    app.clock.advance(timedelta(minutes=2))  # the other replica could not reach the store meanwhile

    await sync._sync_revocations()

    with pytest.raises(InvalidAccessToken):
        other.verify(pair.access_token)
