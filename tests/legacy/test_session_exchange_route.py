"""POST /auth/session/exchange in-process, on Litestar's FileStore (and an unreachable Redis or MySQL):
its answers, its problems, its CSRF rule, its metrics, and its absence when switched off."""

import secrets
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from prometheus_client import REGISTRY

from deploy.ports import free_port
from entrypoints.http.app import create_app
from entrypoints.settings.legacy import LegacyBridgeSettings
from tests.support.flows import Client, bearer, register
from tests.support.http import settings_for_tests
from tests.support.legacy_stores import LitestarStore, file_store, new_session_id

pytestmark = [pytest.mark.anyio, pytest.mark.app]
OWN_ORIGIN = "https://testserver.local"
SAME_ORIGIN = {"X-Requested-With": "tessera", "Origin": OWN_ORIGIN}
ROUTE = "/auth/session/exchange"


@pytest.fixture
def legacy(tmp_path: Path) -> LitestarStore:
    return file_store(tmp_path / "legacy-sessions")


def bridged_app(tmp_path: Path, store_url: str) -> Any:
    bridge = LegacyBridgeSettings(store_url)
    return create_app(settings_for_tests("memory://", tmp_path, legacy_bridge=bridge))


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[Client]:
    app = bridged_app(tmp_path, f"file://{tmp_path / 'legacy-sessions'}")
    async with AsyncTestClient(app, base_url=OWN_ORIGIN) as test_client:
        yield test_client


async def logged_in_the_old_way(client: Client, legacy: LitestarStore) -> tuple[str, str]:
    """A tessera user, and the id of a legacy session naming them."""
    user_id = str((await register(client))["id"])
    session_id = new_session_id()
    await legacy.put(session_id, {"user_id": user_id})
    return user_id, session_id


def exchanged(outcome: str) -> float:
    return REGISTRY.get_sample_value("tessera_legacy_session_exchanges_total", {"outcome": outcome}) or 0.0


async def test_the_route_is_absent_while_the_bridge_is_off(tmp_path: Path) -> None:
    async with AsyncTestClient(create_app(settings_for_tests("memory://", tmp_path)), base_url=OWN_ORIGIN) as off:
        response = await off.post(ROUTE, headers={**SAME_ORIGIN, "Cookie": f"session={new_session_id()}"})
        assert response.status_code == 404
        assert ROUTE not in (await off.get("/schema/openapi.json")).json()["paths"]


async def test_the_route_is_documented_with_its_problems_while_the_bridge_is_on(client: Client) -> None:
    operation = (await client.get("/schema/openapi.json")).json()["paths"][ROUTE]["post"]
    assert {"200", "400", "401", "403", "503"} <= set(operation["responses"])
    assert any(p["name"] == "session" and p["in"] == "cookie" for p in operation["parameters"])


async def test_a_server_side_caller_exchanges_the_legacy_session_id_in_the_body_for_a_token_pair_once(
    client: Client, legacy: LitestarStore
) -> None:
    """The explicit opt-in for tokens in the body: the id itself, which only a server-side caller holds."""
    user_id, session_id = await logged_in_the_old_way(client, legacy)
    before = exchanged("exchanged")
    response = await client.post(ROUTE, json={"legacy_session_id": session_id})
    assert response.status_code == 200, response.text
    tokens = response.json()
    assert set(tokens) == {"access_token", "token_type", "expires_in", "refresh_token", "refresh_expires_in"}
    assert response.headers["cache-control"] == "no-store"
    assert (await client.get("/api/user/profile", headers=bearer(tokens))).json()["id"] == user_id
    assert (await client.post("/auth/refresh", json={"refresh_token": tokens["refresh_token"]})).status_code == 200
    assert await legacy.get(session_id) is None
    cleared = [c for c in response.headers.get_list("set-cookie") if c.startswith("session=")]
    assert len(cleared) == 1 and "Max-Age=0" in cleared[0] and "Path=/" in cleared[0]
    assert exchanged("exchanged") == before + 1
    assert (await client.post(ROUTE, json={"legacy_session_id": session_id})).status_code == 401


@pytest.mark.parametrize("body", [None, {}, {"transport": "cookie"}], ids=["no body", "empty", "cookie"])
async def test_the_legacy_cookie_is_answered_in_cookies_only_never_with_tokens_in_the_body(
    client: Client, legacy: LitestarStore, body: dict[str, str] | None
) -> None:
    _, session_id = await logged_in_the_old_way(client, legacy)
    response = await client.post(ROUTE, json=body, headers={**SAME_ORIGIN, "Cookie": f"session={session_id}"})
    assert response.status_code == 200, response.text
    assert set(response.json()) == {"transport", "expires_in", "refresh_expires_in"}
    assert response.json()["transport"] == "cookie"
    names = {c.split("=", 1)[0] for c in response.headers.get_list("set-cookie")}
    assert {"__Host-tessera-access", "__Secure-tessera-refresh", "session"} <= names
    assert (await client.get("/api/user/profile")).status_code == 200


async def test_a_bearer_answer_to_the_legacy_cookie_is_a_bad_request_and_leaves_the_session(
    client: Client, legacy: LitestarStore
) -> None:
    _, session_id = await logged_in_the_old_way(client, legacy)
    response = await client.post(
        ROUTE, json={"transport": "bearer"}, headers={**SAME_ORIGIN, "Cookie": f"session={session_id}"}
    )
    assert response.status_code == 400
    assert response.json()["type"] == "urn:tessera:problem:invalid-request"
    assert "access_token" not in response.text and response.headers.get_list("set-cookie") == []
    assert await legacy.get(session_id) is not None


async def test_a_server_side_caller_asking_for_cookies_needs_the_csrf_proof(
    client: Client, legacy: LitestarStore
) -> None:
    _, session_id = await logged_in_the_old_way(client, legacy)
    body = {"legacy_session_id": session_id, "transport": "cookie"}
    assert (await client.post(ROUTE, json=body)).status_code == 403
    assert await legacy.get(session_id) is not None
    assert (await client.post(ROUTE, json=body, headers=SAME_ORIGIN)).json()["transport"] == "cookie"


@pytest.mark.parametrize("headers", [{}, {"X-Requested-With": "tessera"}, {"Origin": OWN_ORIGIN}])
async def test_an_exchange_without_the_csrf_proof_is_refused_and_leaves_the_session(
    client: Client, legacy: LitestarStore, headers: dict[str, str]
) -> None:
    _, session_id = await logged_in_the_old_way(client, legacy)
    response = await client.post(ROUTE, headers={**headers, "Cookie": f"session={session_id}"})
    assert response.status_code == 403
    assert await legacy.get(session_id) is not None


@pytest.mark.parametrize("cookie", [None, "null", "x" * 64, new_session_id()[:-2], new_session_id().upper()])
async def test_a_missing_or_malformed_cookie_is_a_bad_request(
    client: Client, legacy: LitestarStore, cookie: str | None
) -> None:
    _, session_id = await logged_in_the_old_way(client, legacy)
    headers = SAME_ORIGIN if cookie is None else {**SAME_ORIGIN, "Cookie": f"session={cookie}"}
    response = await client.post(ROUTE, headers=headers)
    assert response.status_code == 400
    assert response.json()["type"] == "urn:tessera:problem:invalid-legacy-session-cookie"
    assert await legacy.get(session_id) is not None


async def test_an_unknown_session_is_unauthorized(client: Client) -> None:
    response = await client.post(ROUTE, headers={**SAME_ORIGIN, "Cookie": f"session={new_session_id()}"})
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(
    "body", [{"transport": "carrier-pigeon"}, {"legacy_session_id": "x" * 64}, {"legacy_session_id": 7}]
)
async def test_a_malformed_body_is_a_bad_request(client: Client, legacy: LitestarStore, body: object) -> None:
    _, session_id = await logged_in_the_old_way(client, legacy)
    response = await client.post(ROUTE, json=body, headers={**SAME_ORIGIN, "Cookie": f"session={session_id}"})
    assert response.status_code == 400
    assert await legacy.get(session_id) is not None


async def test_an_unreachable_legacy_store_is_503_with_retry_after(tmp_path: Path) -> None:
    app = bridged_app(tmp_path, f"redis://127.0.0.1:{free_port()}/0")
    async with AsyncTestClient(app, base_url=OWN_ORIGIN) as client:
        before = exchanged("unavailable")
        response = await client.post(ROUTE, headers={**SAME_ORIGIN, "Cookie": f"session={new_session_id()}"})
        assert response.status_code == 503
        assert response.headers["retry-after"] == "5"
        assert exchanged("unavailable") == before + 1


HOSTILE_BODIES = [
    b'{"legacy_session_id": "\\ud800abc.def.ghi"}',
    b'{"legacy_session_id": "e30:1:\\ud800"}',
    b'{"legacy_session_id": "e30.AAAA.\\ud800"}',
    b'{"legacy_session_id": "\\u0000"}',
    b'{"legacy_session_id": "' + b"x" * 8192 + b'"}',
    b'{"legacy_session_id": ".eJw:zzzzzzzzzzzzzzzzzzzzzzzzzzzzzz:sig"}',
    b'{"legacy_session_id": "s%3Aabc.%ZZ"}',
]
HOSTILE_COOKIES = [b"\xff\xfe", b"e30:1:\xff", b'"quoted"', b"%ff", b".eJw.AAAA.sig", b"a" * 32, b"x" * 8000]


def signed_hostile(kind: str) -> list[str]:
    """Cookies signed with the test's secret (as only a holder of it can): too deeply nested to decode,
    or stamped past year 9999."""
    if kind == "flask-cookie:":
        from tests.support.hostile_sessions import DEEP_JSON, signed_as_flask

        return [signed_as_flask(DEEP_JSON, "a-secret-of-the-legacy-app")]
    if kind == "django-signed-cookies:":
        from django.core import signing

        from adapters.legacy.django_signing import SIGNED_COOKIES_SALT
        from tests.support.django_sessions import django_settings

        with django_settings("a-secret-of-the-legacy-app"):
            return [signing.Signer(salt=SIGNED_COOKIES_SALT).sign("e30:" + "z" * 20)]
    return []


@pytest.mark.parametrize("kind", ["flask-cookie:", "django-signed-cookies:", "django-file", "file"])
async def test_hostile_legacy_cookies_and_bodies_get_a_problem_never_a_server_error(kind: str, tmp_path: Path) -> None:
    secret_file = tmp_path / "secret"
    secret_file.write_text("a-secret-of-the-legacy-app\n")
    (tmp_path / "sessions").mkdir()
    url = kind if kind.endswith(":") else f"{kind}://{tmp_path / 'sessions'}"
    bridge = LegacyBridgeSettings(url, secret_file=None if kind == "file" else secret_file)
    name = bridge.cookie_name.encode()
    app = create_app(settings_for_tests("memory://", tmp_path, legacy_bridge=bridge))
    async with AsyncTestClient(app, base_url=OWN_ORIGIN) as hostile:
        answers = [
            await hostile.post(ROUTE, content=body, headers={**SAME_ORIGIN, "Content-Type": "application/json"})
            for body in HOSTILE_BODIES
        ]
        for cookie in HOSTILE_COOKIES:
            headers = [(b"x-requested-with", b"tessera"), (b"origin", OWN_ORIGIN.encode())]
            headers.append((b"cookie", name + b"=" + cookie))
            answers.append(await hostile.post(ROUTE, headers=headers))
        forged = [
            await hostile.post(ROUTE, json={"legacy_session_id": signed}, headers=SAME_ORIGIN)
            for signed in signed_hostile(kind)
        ]
    assert [answer.status_code for answer in answers if answer.status_code not in (400, 401)] == []
    assert [(answer.status_code, answer.json()["type"]) for answer in forged] == [
        (401, "urn:tessera:problem:invalid-legacy-session")
    ] * len(forged)
    assert all(answer.headers["content-type"] == "application/problem+json" for answer in answers)


async def test_an_unreachable_django_mysql_database_is_503_with_retry_after(tmp_path: Path) -> None:
    secret_file = tmp_path / "django-secret-key"
    secret_file.write_text(secrets.token_urlsafe(40))
    store_url = f"django-db+mysql://tessera_bridge:choose-one@127.0.0.1:{free_port()}/mysite"
    app = create_app(
        settings_for_tests(
            "memory://", tmp_path, legacy_bridge=LegacyBridgeSettings(store_url, secret_file=secret_file)
        )
    )
    async with AsyncTestClient(app, base_url=OWN_ORIGIN) as client:
        before = exchanged("unavailable")
        response = await client.post(ROUTE, headers={**SAME_ORIGIN, "Cookie": f"sessionid={'a' * 32}"})
        assert response.status_code == 503
        assert response.headers["retry-after"] == "5"
        assert exchanged("unavailable") == before + 1
