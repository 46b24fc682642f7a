"""A restarted process loads the revocations still inside their window, and forgets each once it has
passed."""

from datetime import timedelta
from uuid import UUID

import pytest

from adapters.process.process_revocation_view import ProcessRevocationView
from domain.errors import (
    InvalidAccessToken,
)
from domain.sessions import Revocation
from tests.support.fakes import FixedClock

pytestmark = pytest.mark.anyio


async def test_loading_revocations_makes_a_restarted_process_refuse_revoked_sessions(app):
    kept, revoked = await app.log_in(), await app.log_in()
    await app.log_out(app.verify(revoked.access_token))

    restarted = await app.restarted()
    restarted.verify(revoked.access_token)  # a fresh view knows nothing yet
    loaded = await restarted.load_revocations().execute()

    assert loaded == 1
    with pytest.raises(InvalidAccessToken):
        restarted.verify(revoked.access_token)
    assert restarted.verify(kept.access_token).session_id == app.session_of(kept).id


async def test_loading_revocations_ignores_those_older_than_the_revocation_window(app):
    old = await app.log_in()
    await app.log_out(app.verify(old.access_token))
    app.clock.advance(app.policy.revocation_window + timedelta(seconds=1))
    recent = await app.log_in()
    await app.log_out(app.verify(recent.access_token))

    view = ProcessRevocationView(app.policy.revocation_window)
    loaded = await app.load_revocations(into=view).execute()

    assert loaded == 1
    assert view.size() == 1
    assert view.is_revoked(app.session_of(recent).id, app.clock.now())


def test_the_revocation_view_forgets_a_revocation_once_its_window_has_passed():
    clock, window = FixedClock(), timedelta(minutes=15, seconds=30)
    view = ProcessRevocationView(window)
    first, second = Revocation(UUID(int=1), clock.now()), Revocation(UUID(int=2), clock.now() + window)

    view.add([first])
    assert view.is_revoked(first.session_id, clock.now() + window - timedelta(microseconds=1))
    assert not view.is_revoked(first.session_id, clock.now() + window)

    view.add([second])  # arriving a window later, it sweeps the first out of memory
    assert view.size() == 1
    assert view.is_revoked(second.session_id, second.revoked_at)
