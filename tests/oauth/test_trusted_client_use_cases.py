"""Introspection, revocation and client authentication as use cases: what they store and what they audit."""

from typing import cast

import pytest

from application.ports.event_dispatcher import EventDispatcher
from application.results import Introspection, Principal
from application.token_lookup import TokenQuery
from application.use_cases.authenticate_client import AuthenticateClient
from application.use_cases.introspect_token import IntrospectToken
from application.use_cases.log_out import LogOut
from application.use_cases.refresh_session import RefreshSession
from application.use_cases.revoke_token import RevokeToken
from domain.clients import TrustedClient, TrustedClients, hash_client_secret
from domain.errors import InvalidClient
from domain.events import EventKind
from domain.sessions import RevocationReason
from tests.support.in_memory_tessera import Tessera

pytestmark = pytest.mark.anyio
ADDRESS = "203.0.113.7"


def query(token: str, hint: str | None = None) -> TokenQuery:
    return TokenQuery(token, hint, "orders-api", ADDRESS)


async def test_introspection_audits_the_client_and_names_the_session_only_when_active(app: Tessera) -> None:
    pair = await app.log_in()
    session = app.session_of(pair)

    active = cast(Introspection, await app._execute(IntrospectToken, query(pair.access_token)))
    inactive = cast(Introspection, await app._execute(IntrospectToken, query("not a token")))

    assert active.active and active.session_id == session.id and active.user_id == session.user_id
    assert inactive == Introspection(active=False)
    first, second = app.events.events[-2:]
    assert (first.kind, first.user_id, first.session_id, first.client_address, first.detail) == (
        EventKind.TOKEN_INTROSPECTED,
        session.user_id,
        session.id,
        ADDRESS,
        "client=orders-api active=true",
    )
    assert (second.user_id, second.session_id, second.detail) == (None, None, "client=orders-api active=false")


async def test_revocation_stores_the_reason_updates_this_replicas_view_and_audits_the_client(app: Tessera) -> None:
    pair = await app.log_in()
    session = app.session_of(pair)

    await app._execute(RevokeToken, query(pair.refresh_token, "access_token"))

    stored = app.session_of(pair)
    assert stored.revocation_reason is RevocationReason.REVOKED_BY_CLIENT
    assert app.revocations.is_revoked(session.id, app.clock.now())
    event = app.events.events[-1]
    assert (event.kind, event.session_id, event.client_address, event.detail) == (
        EventKind.TOKEN_REVOKED,
        session.id,
        ADDRESS,
        "client=orders-api found=true",
    )


async def test_a_refused_client_is_audited_by_address_without_the_id_it_presented() -> None:
    app = await Tessera.start()
    authenticate = AuthenticateClient(
        TrustedClients([TrustedClient("orders", hash_client_secret("s" * 40))]),
        await app.container.get(EventDispatcher),
    )

    assert authenticate.execute("orders", "s" * 40, ADDRESS) == "orders"
    with pytest.raises(InvalidClient):
        authenticate.execute("ordres", "s" * 40, ADDRESS)

    (event,) = app.events.events
    assert (event.kind, event.client_address, event.detail) == (EventKind.CLIENT_REFUSED, ADDRESS, None)


async def test_refresh_and_logout_events_carry_the_client_address(app: Tessera) -> None:
    pair = await app.log_in()
    rotated = await app._execute(RefreshSession, pair.refresh_token, ADDRESS)
    principal: Principal = app.verify(rotated.access_token)
    await app._execute(LogOut, principal, ADDRESS)

    refreshed, logged_out = app.events.events[-2:]
    assert (refreshed.kind, refreshed.client_address) == (EventKind.REFRESHED, ADDRESS)
    assert (logged_out.kind, logged_out.client_address, logged_out.session_id) == (
        EventKind.LOGGED_OUT,
        ADDRESS,
        principal.session_id,
    )
