"""Sessions end: 30 days after login by default, however often rotated; 12 hours if not remembered."""

from datetime import timedelta

import pytest

from application.results import TokenPair
from application.use_cases.log_in import Credentials, LogIn
from domain.errors import InvalidRefreshToken
from tests.support.in_memory_tessera import PASSWORD, Tessera

pytestmark = pytest.mark.anyio


async def _log_in(app: Tessera, *, remember: bool) -> TokenPair:
    pair: TokenPair = await app.run(LogIn, Credentials("ada@example.com", PASSWORD, remember=remember))
    return pair


async def test_no_refresh_succeeds_past_the_absolute_lifetime_whatever_the_rotation(app: Tessera) -> None:
    pair = await _log_in(app, remember=True)
    for _ in range(2):
        app.clock.advance(timedelta(days=13))
        pair = await app.refresh(pair.refresh_token)

    assert pair.refresh_expires_in == int(timedelta(days=4).total_seconds())
    app.clock.advance(timedelta(days=4))
    with pytest.raises(InvalidRefreshToken):
        await app.refresh(pair.refresh_token)


async def test_a_session_not_remembered_ends_after_the_short_lifetime(app: Tessera) -> None:
    pair = await _log_in(app, remember=False)

    assert (pair.remember, pair.refresh_expires_in) == (False, 12 * 3600)
    app.clock.advance(timedelta(hours=11))
    pair = await app.refresh(pair.refresh_token)
    assert (pair.remember, pair.refresh_expires_in) == (False, 3600)
    assert app.session_of(pair).remember is False
    app.clock.advance(timedelta(hours=1))
    with pytest.raises(InvalidRefreshToken):
        await app.refresh(pair.refresh_token)


async def test_a_remembered_session_says_so(app: Tessera) -> None:
    pair = await _log_in(app, remember=True)

    assert pair.remember is True
    assert app.session_of(pair).expires_at == app.clock.now() + timedelta(days=30)
