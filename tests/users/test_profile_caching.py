"""`/api/user/profile` and `/api/user/session` over HTTP: validators, private caching, and a profile
that shows a change to its user at once."""

import anyio
import pytest

from application.actors import OPERATOR
from application.use_cases.grant_role import GrantRole
from domain.users import Email
from tests.support.flows import Client, bearer, log_in, register

pytestmark = [pytest.mark.anyio, pytest.mark.app]
PRIVATE = {"private", "no-cache"}


async def _grant(client: Client, email: str, role: str) -> None:
    """What `tessera users grant` does, through the app's own composition root, on the app's event loop."""

    async def change() -> None:
        async with client.app.state.dishka_container() as request:
            await (await request.get(GrantRole)).execute(Email.parse(email), role, OPERATOR)

    await anyio.to_thread.run_sync(client.blocking_portal.call, change)


async def test_a_profile_carries_an_etag_and_the_same_tag_in_if_none_match_is_answered_304(client: Client) -> None:
    await register(client)
    tokens = await log_in(client)

    first = await client.get("/api/user/profile", headers=bearer(tokens))
    etag = first.headers["etag"]
    again = await client.get("/api/user/profile", headers={**bearer(tokens), "If-None-Match": etag})
    among_others = await client.get(
        "/api/user/profile", headers={**bearer(tokens), "If-None-Match": f'"elsewhere", {etag}'}
    )

    assert first.status_code == 200, first.text
    assert first.json()["email"] == "ada@example.com"
    assert etag.startswith('"') and etag.endswith('"') and len(etag) > 2
    assert (again.status_code, again.content, again.headers["etag"]) == (304, b"", etag)
    assert (among_others.status_code, among_others.content) == (304, b"")


async def test_a_different_tag_in_if_none_match_is_answered_200_with_the_profile(client: Client) -> None:
    await register(client)
    tokens = await log_in(client)
    etag = (await client.get("/api/user/profile", headers=bearer(tokens))).headers["etag"]

    other = await client.get("/api/user/profile", headers={**bearer(tokens), "If-None-Match": '"not-the-tag"'})

    assert other.status_code == 200, other.text
    assert other.json()["email"] == "ada@example.com"
    assert other.headers["etag"] == etag


async def test_two_users_profiles_have_different_tags(client: Client) -> None:
    await register(client)
    await register(client, "grace@example.com")
    ada, grace = await log_in(client), await log_in(client, "grace@example.com")

    ada_tag = (await client.get("/api/user/profile", headers=bearer(ada))).headers["etag"]
    answer = await client.get("/api/user/profile", headers={**bearer(grace), "If-None-Match": ada_tag})

    assert answer.status_code == 200
    assert answer.json()["email"] == "grace@example.com"
    assert answer.headers["etag"] != ada_tag


async def test_both_user_routes_are_private_and_revalidated_every_time(client: Client) -> None:
    await register(client)
    tokens = await log_in(client)

    profile = await client.get("/api/user/profile", headers=bearer(tokens))
    not_modified = await client.get(
        "/api/user/profile", headers={**bearer(tokens), "If-None-Match": profile.headers["etag"]}
    )
    session = await client.get("/api/user/session", headers=bearer(tokens))

    assert [answer.status_code for answer in (profile, not_modified, session)] == [200, 304, 200]
    for answer in (profile, not_modified, session):
        directives = {directive.strip() for directive in answer.headers["cache-control"].split(",")}
        assert directives == PRIVATE, (answer.request.url, answer.headers["cache-control"])


async def test_a_granted_role_shows_in_the_profile_at_once_under_a_new_tag(any_storage_client: Client) -> None:
    client = any_storage_client
    await register(client)
    tokens = await log_in(client)
    before = await client.get("/api/user/profile", headers=bearer(tokens))
    assert before.json()["roles"] == []

    await _grant(client, "ada@example.com", "support")

    after = await client.get("/api/user/profile", headers={**bearer(tokens), "If-None-Match": before.headers["etag"]})
    assert after.status_code == 200, "the old tag no longer matches"
    assert after.json()["roles"] == ["support"]
    assert after.headers["etag"] != before.headers["etag"]
    revalidated = await client.get(
        "/api/user/profile", headers={**bearer(tokens), "If-None-Match": after.headers["etag"]}
    )
    assert revalidated.status_code == 304
