"""Logging out: one session, every session of the user, or by the refresh token alone."""

import pytest

from application.use_cases.register_user import Registration
from domain.errors import (
    InvalidAccessToken,
    InvalidRefreshToken,
)
from domain.sessions import RevocationReason

pytestmark = pytest.mark.anyio


async def test_logging_out_revokes_only_that_session(app):
    laptop, phone = await app.log_in(), await app.log_in()

    await app.log_out(app.verify(laptop.access_token))

    assert app.session_of(phone).revoked_at is None
    with pytest.raises(InvalidAccessToken):
        app.verify(laptop.access_token)
    with pytest.raises(InvalidRefreshToken):
        await app.refresh(laptop.refresh_token)
    assert app.verify((await app.refresh(phone.refresh_token)).access_token).session_id == app.session_of(phone).id


async def test_logging_out_everywhere_revokes_every_session_of_the_user_and_no_one_else(app):
    await app.register(Registration("grace@example.com", "grace's password"))
    laptop, phone = await app.log_in(), await app.log_in()
    grace = await app.log_in("grace@example.com", "grace's password")

    await app.log_out_everywhere(app.verify(phone.access_token))

    for pair in (laptop, phone):
        with pytest.raises(InvalidAccessToken):
            app.verify(pair.access_token)
        with pytest.raises(InvalidRefreshToken):
            await app.refresh(pair.refresh_token)
    assert app.session_of(grace).revoked_at is None
    assert app.verify((await app.refresh(grace.refresh_token)).access_token).session_id == app.session_of(grace).id


async def test_a_refresh_token_alone_ends_its_session_without_issuing_anything(app):
    pair = await app.log_in()
    tokens_before = len(app.store.tables.refresh_tokens)

    await app.log_out_by_refresh_token(pair.refresh_token)

    assert app.session_of(pair).revocation_reason is RevocationReason.LOGOUT
    assert len(app.store.tables.refresh_tokens) == tokens_before
    with pytest.raises(InvalidAccessToken):
        app.verify(pair.access_token)
    assert [e.kind.value for e in app.events.events][-1] == "logged_out"
    with pytest.raises(InvalidRefreshToken):
        await app.log_out_by_refresh_token("unknown")
