"""Security events name who and which session, and never a secret."""

import pytest

from domain.errors import (
    InvalidCredentials,
    RefreshTokenReused,
)
from tests.support.in_memory_tessera import PASSWORD

pytestmark = pytest.mark.anyio


async def test_security_events_name_who_and_which_session_and_never_a_secret(app):
    pair = await app.log_in()
    with pytest.raises(InvalidCredentials):
        await app.log_in(password="wrong password")
    second = await app.refresh(pair.refresh_token)
    await app.refresh(second.refresh_token)
    with pytest.raises(RefreshTokenReused):
        await app.refresh(pair.refresh_token)
    other = await app.log_in()
    await app.log_out(app.verify(other.access_token))

    kinds = [event.kind.value for event in app.events.events]
    assert kinds == [
        "login_succeeded",
        "login_failed",
        "refreshed",
        "refreshed",
        "refresh_token_reused",
        "login_succeeded",
        "logged_out",
    ]
    session = app.session_of(pair).id
    assert all(e.session_id == session for e in app.events.events[2:5])
    secrets = {PASSWORD, "wrong password", pair.refresh_token, second.refresh_token, pair.access_token}
    assert not any(secret in repr(event) for event in app.events.events for secret in secrets)
