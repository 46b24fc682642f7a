"""RFC 7662 introspection over HTTP: active only what storage says is live now; anything else exactly inactive."""

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from dishka import AsyncContainer, Provider, Scope, provide
from joserfc import jws
from joserfc.jwk import RSAKey
from litestar.testing import AsyncTestClient

from adapters.memory.in_memory_store import InMemoryStore
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork
from domain.sessions import RevocationReason
from domain.users import Email
from entrypoints.http.app import create_app
from tests.support.fakes import FixedClock
from tests.support.flows import Client, bearer, log_in, register
from tests.support.http import settings_for_tests
from tests.support.oauth import CLIENT, basic
from tests.support.stored import in_app, stored_session

pytestmark = [pytest.mark.anyio, pytest.mark.app]
INACTIVE = {"active": False}


async def introspect(client: Client, token: str, hint: str | None = None) -> dict[str, Any]:
    form = {"token": token} if hint is None else {"token": token, "token_type_hint": hint}
    response = await client.post("/oauth/introspect", data=form, headers=basic())
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    return dict(response.json())


async def test_an_active_access_token_is_described_by_its_claims(oauth_client: Client) -> None:
    user = await register(oauth_client)
    tokens = await log_in(oauth_client)
    session = (await oauth_client.get("/api/user/session", headers=bearer(tokens))).json()

    answer = await introspect(oauth_client, tokens["access_token"])

    assert answer.pop("jti")
    assert answer.pop("exp") - answer.pop("iat") == 15 * 60
    assert answer == {
        "active": True,
        "token_type": "access_token",
        "sub": user["id"],
        "sid": session["session_id"],
        "iss": "https://auth.tessera.test",
        "aud": "tessera-tests",
    }


async def test_an_active_refresh_token_is_described_by_its_stored_record(oauth_client: Client) -> None:
    user = await register(oauth_client)
    tokens = await log_in(oauth_client)

    answer = await introspect(oauth_client, tokens["refresh_token"])

    assert answer["exp"] - answer["iat"] == 14 * 86400
    assert {key: answer[key] for key in ("active", "token_type", "sub")} == {
        "active": True,
        "token_type": "refresh_token",
        "sub": user["id"],
    }
    assert (await stored_session(oauth_client, answer["sid"])) is not None
    assert "jti" not in answer and "iss" not in answer


@pytest.mark.parametrize(("kind", "wrong_hint"), [("access_token", "refresh_token"), ("refresh_token", "access_token")])
async def test_a_wrong_or_unknown_token_type_hint_only_orders_the_search(
    oauth_client: Client, kind: str, wrong_hint: str
) -> None:
    await register(oauth_client)
    tokens = await log_in(oauth_client)

    assert (await introspect(oauth_client, tokens[kind], wrong_hint))["token_type"] == kind
    assert (await introspect(oauth_client, tokens[kind], "no_such_type"))["token_type"] == kind


async def test_after_logout_both_tokens_of_the_session_are_exactly_inactive(oauth_client: Client) -> None:
    await register(oauth_client)
    tokens = await log_in(oauth_client)
    assert (await oauth_client.post("/auth/logout", headers=bearer(tokens))).status_code == 204

    assert await introspect(oauth_client, tokens["access_token"]) == INACTIVE
    assert await introspect(oauth_client, tokens["refresh_token"]) == INACTIVE


async def test_a_session_revoked_in_storage_only_is_inactive_although_this_replica_has_not_heard_yet(
    tmp_path: Path,
) -> None:
    """Introspection asks storage, not the replica's revocation view (here polled only every minute)."""
    settings = settings_for_tests(
        "memory://",
        tmp_path,
        oauth_clients=(CLIENT,),
        revocation_poll=timedelta(seconds=60),
        revocation_lookback=timedelta(seconds=3600),
    )
    async with AsyncTestClient(create_app(settings)) as client:
        await register(client)
        tokens = await log_in(client)
        session_id = (await client.get("/api/user/session", headers=bearer(tokens))).json()["session_id"]

        async def another_replicas_logout(container: AsyncContainer) -> None:
            async with container() as request:
                uow = await request.get(UnitOfWork)  # type: ignore[type-abstract]
                async with uow:
                    assert await uow.sessions.revoke(UUID(session_id), FixedClock().now(), RevocationReason.LOGOUT)
                    await uow.commit()

        await in_app(client, another_replicas_logout)

        assert (await client.get("/api/user/session", headers=bearer(tokens))).status_code == 200
        assert await introspect(client, tokens["access_token"]) == INACTIVE


async def test_the_tokens_of_a_disabled_user_are_inactive_even_if_a_session_escaped_the_revocation(
    oauth_client: Client,
) -> None:
    """Only the flag is set here, no session revoked: introspection judges the user too."""
    user = await register(oauth_client)
    tokens = await log_in(oauth_client)

    async def disable_only(container: AsyncContainer) -> None:
        async with container() as request:
            uow = await request.get(UnitOfWork)  # type: ignore[type-abstract]
            async with uow:
                await uow.users.set_disabled(UUID(user["id"]), FixedClock().now())
                await uow.commit()

    await in_app(oauth_client, disable_only)

    assert await introspect(oauth_client, tokens["access_token"]) == INACTIVE
    assert await introspect(oauth_client, tokens["refresh_token"]) == INACTIVE


async def test_a_spent_refresh_token_is_inactive_even_within_the_grace_and_introspecting_it_revokes_nothing(
    oauth_client: Client,
) -> None:
    await register(oauth_client)
    first = await log_in(oauth_client)
    second = (await oauth_client.post("/auth/refresh", json={"refresh_token": first["refresh_token"]})).json()

    assert await introspect(oauth_client, first["refresh_token"]) == INACTIVE
    active = await introspect(oauth_client, second["refresh_token"])
    assert active["active"] is True
    assert (await stored_session(oauth_client, active["sid"])).revoked_at is None  # type: ignore[union-attr]
    assert (
        await oauth_client.post("/auth/refresh", json={"refresh_token": second["refresh_token"]})
    ).status_code == 200


async def test_tokens_that_are_not_ours_are_exactly_inactive(oauth_client: Client) -> None:
    await register(oauth_client)
    tokens = await log_in(oauth_client)
    header, payload, signature = tokens["access_token"].split(".")
    tampered = f"{header}.{payload[:-4]}AAAA.{signature}"
    foreign = jws.serialize_compact(
        {"alg": "RS256", "typ": "at+jwt", "kid": "foreign"}, payload, RSAKey.generate_key(2048, private=True)
    )

    for token in ("", "garbage", tampered, foreign, tokens["refresh_token"] + "x"):
        assert await introspect(oauth_client, token) == INACTIVE


class _Clock(Provider):
    def __init__(self, clock: FixedClock) -> None:
        super().__init__(scope=Scope.APP)
        self._clock = clock

    @provide
    def clock(self) -> Clock:
        return self._clock


@pytest.fixture
async def clocked(tmp_path: Path) -> AsyncIterator[tuple[Client, FixedClock]]:
    clock = FixedClock()
    settings = settings_for_tests("memory://", tmp_path, oauth_clients=(CLIENT,))
    async with AsyncTestClient(create_app(settings, _Clock(clock))) as client:
        yield client, clock


async def test_expired_tokens_are_inactive(clocked: tuple[Client, FixedClock]) -> None:
    client, clock = clocked
    await register(client)
    tokens = await log_in(client)

    clock.advance(timedelta(minutes=16))
    assert await introspect(client, tokens["access_token"]) == INACTIVE
    assert (await introspect(client, tokens["refresh_token"]))["active"] is True
    clock.advance(timedelta(days=14))
    assert await introspect(client, tokens["refresh_token"]) == INACTIVE


async def test_the_scope_is_the_users_roles_separated_by_spaces(clocked: tuple[Client, FixedClock]) -> None:
    client, _ = clocked
    await register(client)
    store = await in_app(client, lambda container: container.get(InMemoryStore))
    (user,) = [u for u in store.tables.users.values() if u.email == Email.parse("ada@example.com")]
    store.tables.users[user.id] = replace(user, roles=("admin", "billing"))
    tokens = await log_in(client)

    assert (await introspect(client, tokens["access_token"]))["scope"] == "admin billing"
    assert (await introspect(client, tokens["refresh_token"]))["scope"] == "admin billing"
