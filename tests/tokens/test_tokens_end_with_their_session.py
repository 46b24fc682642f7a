"""No token outlives its session: the access token's `exp`, `expires_in` and the refresh token's expiry
are all capped at the session's absolute end, on every path that hands out a token pair (third review,
item 12). The clock is exact: every number below is one the code must produce to the second."""

import base64
import json
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any, cast

import pytest

from application.results import Introspection, TokenPair
from application.token_lookup import TokenQuery
from application.use_cases.introspect_token import IntrospectToken
from application.use_cases.log_in import Credentials, LogIn
from application.use_cases.register_user import Registration
from tests.legacy.test_exchange_legacy_session import SESSION_ID, Bridge
from tests.support.in_memory_tessera import PASSWORD, SETTINGS, Tessera

pytestmark = pytest.mark.anyio
A_MINUTE = replace(SETTINGS, session_max_age=timedelta(seconds=60), short_session_max_age=timedelta(seconds=60))
"""Sessions of 60 s, far shorter than the 15-minute access tokens."""


@pytest.fixture
async def app() -> Tessera:
    app = await Tessera.start(settings=A_MINUTE)
    await app.register(Registration("ada@example.com", PASSWORD, "Ada"))
    return app


def claims_of(access_token: str) -> dict[str, Any]:
    payload = access_token.split(".")[1]
    return cast(dict[str, Any], json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))))


def seconds(moment: datetime) -> int:
    return int(moment.timestamp())


async def log_in(app: Tessera) -> TokenPair:
    return cast(TokenPair, await app.run(LogIn, Credentials("ada@example.com", PASSWORD, remember=True)))


async def test_at_login_the_access_token_ends_with_a_session_shorter_than_it(app: Tessera) -> None:
    pair = await log_in(app)
    session = app.session_of(pair)

    assert session.expires_at == app.clock.now() + timedelta(seconds=60)
    assert claims_of(pair.access_token)["exp"] == seconds(session.expires_at)
    assert (pair.expires_in, pair.refresh_expires_in) == (60, 60)


async def test_a_refresh_ten_seconds_before_the_end_gets_tokens_for_ten_seconds(app: Tessera) -> None:
    """The review's case: refreshed at 50 s, the access token lived 15 more minutes."""
    login = await log_in(app)
    app.clock.advance(timedelta(seconds=50))

    pair = await app.refresh(login.refresh_token)

    end = app.session_of(pair).expires_at
    assert claims_of(pair.access_token)["exp"] == seconds(end) == seconds(app.clock.now()) + 10
    assert (pair.expires_in, pair.refresh_expires_in) == (10, 10)
    assert app.record_of(pair.refresh_token).expires_at == end


async def test_a_repeated_rotation_within_the_grace_is_capped_alike(app: Tessera) -> None:
    login = await log_in(app)
    app.clock.advance(timedelta(seconds=50))
    first = await app.refresh(login.refresh_token)
    app.clock.advance(timedelta(seconds=5))

    repeat = await app.refresh(login.refresh_token)

    assert repeat.refresh_token == first.refresh_token
    assert claims_of(repeat.access_token)["exp"] == seconds(app.session_of(repeat).expires_at)
    assert repeat.expires_in == 5


async def test_a_legacy_exchange_gets_an_access_token_that_ends_with_its_session(app: Tessera) -> None:
    bridge = Bridge(app, settings=A_MINUTE)
    ada = next(iter(app.store.tables.users.values()))
    bridge.fake.sessions.put(SESSION_ID, {"user_id": str(ada.id)})

    pair = await bridge.exchange()

    assert claims_of(pair.access_token)["exp"] == seconds(app.session_of(pair).expires_at)
    assert pair.expires_in == 60


async def test_introspection_reports_the_capped_expiry_and_nothing_active_past_the_sessions_end(app: Tessera) -> None:
    """An access token verifies within the leeway after its `exp`; introspection, which reads storage,
    calls it inactive as soon as its session has ended."""
    pair = await log_in(app)
    query = TokenQuery(pair.access_token, None, "orders-api", None)

    before = cast(Introspection, await app.run(IntrospectToken, query))
    app.clock.advance(timedelta(seconds=60))
    after = cast(Introspection, await app.run(IntrospectToken, query))

    assert before.active and before.expires_at == seconds(app.session_of(pair).expires_at)
    assert app.verify(pair.access_token).session_id == app.session_of(pair).id  # within the leeway
    assert not after.active
