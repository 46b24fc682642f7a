"""RFC 7009 revocation over HTTP: the token's session is revoked in storage; anything else still answers 200."""

import pytest

from domain.sessions import RevocationReason
from tests.support.flows import Client, bearer, log_in, register
from tests.support.oauth import basic
from tests.support.stored import stored_session

pytestmark = [pytest.mark.anyio, pytest.mark.app]


async def revoke(client: Client, token: str, hint: str | None = None) -> None:
    form = {"token": token} if hint is None else {"token": token, "token_type_hint": hint}
    response = await client.post("/oauth/revoke", data=form, headers=basic())
    assert response.status_code == 200, response.text
    assert response.content == b""
    assert response.headers["cache-control"] == "no-store"


async def session_of(client: Client, tokens: dict[str, str]) -> str:
    return str((await client.get("/api/user/session", headers=bearer(tokens))).json()["session_id"])


@pytest.mark.parametrize(
    ("kind", "hint"),
    [
        ("refresh_token", None),
        ("refresh_token", "refresh_token"),
        ("refresh_token", "access_token"),
        ("access_token", None),
        ("access_token", "access_token"),
        ("access_token", "refresh_token"),
    ],
)
async def test_revoking_either_token_revokes_its_session_in_storage_whatever_the_hint(
    oauth_client: Client, kind: str, hint: str | None
) -> None:
    await register(oauth_client)
    tokens = await log_in(oauth_client)
    session_id = await session_of(oauth_client, tokens)

    await revoke(oauth_client, tokens[kind], hint)

    stored = await stored_session(oauth_client, session_id)
    assert stored is not None and stored.revocation_reason is RevocationReason.REVOKED_BY_CLIENT
    assert (
        await oauth_client.post("/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    ).status_code == 401
    assert (await oauth_client.get("/api/user/session", headers=bearer(tokens))).status_code == 401


async def test_revoking_one_session_leaves_the_users_other_sessions_working(oauth_client: Client) -> None:
    await register(oauth_client)
    phone, laptop = await log_in(oauth_client), await log_in(oauth_client)

    await revoke(oauth_client, phone["refresh_token"])

    assert (await stored_session(oauth_client, await session_of(oauth_client, laptop))).revoked_at is None  # type: ignore[union-attr]
    assert (
        await oauth_client.post("/auth/refresh", json={"refresh_token": laptop["refresh_token"]})
    ).status_code == 200


async def test_an_unknown_invalid_or_already_revoked_token_answers_200_and_changes_nothing(
    oauth_client: Client,
) -> None:
    await register(oauth_client)
    tokens = await log_in(oauth_client)
    session_id = await session_of(oauth_client, tokens)
    header, payload, signature = tokens["access_token"].split(".")

    for token in ("", "garbage", f"{header}.{payload[:-4]}AAAA.{signature}", tokens["refresh_token"] + "x"):
        await revoke(oauth_client, token)
    assert (await stored_session(oauth_client, session_id)).revoked_at is None  # type: ignore[union-attr]

    assert (await oauth_client.post("/auth/logout", headers=bearer(tokens))).status_code == 204
    await revoke(oauth_client, tokens["refresh_token"])
    stored = await stored_session(oauth_client, session_id)
    assert stored is not None and stored.revocation_reason is RevocationReason.LOGOUT  # the first revocation stands


async def test_a_spent_refresh_token_still_revokes_its_session(oauth_client: Client) -> None:
    await register(oauth_client)
    first = await log_in(oauth_client)
    second = (await oauth_client.post("/auth/refresh", json={"refresh_token": first["refresh_token"]})).json()

    await revoke(oauth_client, first["refresh_token"])

    assert (
        await oauth_client.post("/auth/refresh", json={"refresh_token": second["refresh_token"]})
    ).status_code == 401
