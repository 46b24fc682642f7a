"""Status codes, bodies and headers of the HTTP API as the contract states them."""

import base64
import json
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from tests.support.flows import Client, bearer, log_in, register
from tests.support.http import PASSWORD

pytestmark = [pytest.mark.anyio, pytest.mark.app]


def _segment(token: str, index: int) -> dict[str, Any]:
    part = token.split(".")[index]
    return dict(json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))))


def assert_problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = dict(response.json())
    assert body["status"] == status and body["title"] and body["type"] and body["detail"]
    assert "Traceback" not in response.text
    return body


async def test_registration_answers_201_with_the_public_fields_only(client: Client) -> None:
    response = await client.post(
        "/auth/register", json={"email": " Ada@Example.COM ", "password": PASSWORD, "display_name": "Ada"}
    )
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"id", "email", "display_name", "created_at"}
    assert body["email"] == "Ada@example.com".lower()
    assert body["display_name"] == "Ada"


async def test_registering_a_taken_email_in_any_case_is_409(client: Client) -> None:
    await register(client, "ada@example.com")
    response = await client.post("/auth/register", json={"email": "ADA@example.com", "password": PASSWORD})
    assert_problem(response, 409)


@pytest.mark.parametrize(
    "body",
    [
        {"email": "not-an-email", "password": PASSWORD},
        {"email": "ada@example.com", "password": "short"},
        {"email": "ada@example.com", "password": "x" * 1025},
        {"email": "ada@example.com"},
        {"email": 42, "password": PASSWORD},
        {"email": "ada@example.com", "password": PASSWORD, "is_admin": True},
        {"email": "ada@example.com", "password": PASSWORD, "display_name": ""},
        [],
    ],
)
async def test_invalid_registrations_are_400_problems_and_store_nothing(client: Client, body: object) -> None:
    assert_problem(await client.post("/auth/register", json=body), 400)
    login = await client.post("/auth/login", json={"email": "ada@example.com", "password": PASSWORD})
    assert login.status_code == 401


async def test_passwords_of_8_and_1024_characters_are_accepted(client: Client) -> None:
    await register(client, "short@example.com", "x" * 8)
    await register(client, "long@example.com", "y" * 1024)
    await log_in(client, "long@example.com", "y" * 1024)


async def test_a_body_that_is_not_json_is_a_400_problem(client: Client) -> None:
    response = await client.post("/auth/login", content=b"{not json", headers={"content-type": "application/json"})
    assert_problem(response, 400)


async def test_unknown_email_and_wrong_password_answer_exactly_alike(client: Client) -> None:
    await register(client)
    unknown = await client.post("/auth/login", json={"email": "nobody@example.com", "password": PASSWORD})
    wrong = await client.post("/auth/login", json={"email": "ada@example.com", "password": PASSWORD + "!"})
    malformed = await client.post("/auth/login", json={"email": "nobody", "password": PASSWORD})

    for response in (unknown, wrong, malformed):
        assert_problem(response, 401)
        assert response.headers["www-authenticate"] == 'Bearer realm="tessera"'
    assert unknown.json() == wrong.json() == malformed.json()


async def test_login_issues_a_bearer_pair_that_no_cache_may_store(client: Client) -> None:
    await register(client)
    response = await client.post("/auth/login", json={"email": "ada@example.com", "password": PASSWORD})

    assert response.status_code == 200
    assert "no-store" in response.headers["cache-control"]
    body = response.json()
    assert set(body) == {"access_token", "token_type", "expires_in", "refresh_token", "refresh_expires_in"}
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 900 and body["refresh_expires_in"] == 14 * 24 * 3600
    assert len(base64.urlsafe_b64decode(body["refresh_token"] + "=")) >= 32


async def test_the_access_token_is_a_typed_rs256_jws_with_every_claim(client: Client) -> None:
    user = await register(client)
    token = (await log_in(client))["access_token"]
    header, claims = _segment(token, 0), _segment(token, 1)
    jwks = (await client.get("/.well-known/jwks.json")).json()

    assert header["alg"] == "RS256" and header["typ"] == "at+jwt"
    assert header["kid"] == jwks["keys"][0]["kid"]
    assert set(claims) == {"iss", "aud", "sub", "exp", "iat", "jti", "sid", "roles"}
    assert claims["iss"] == "https://auth.tessera.test" and claims["aud"] == "tessera-tests"
    assert claims["sub"] == user["id"]
    assert claims["exp"] - claims["iat"] == 900


async def test_refresh_answers_the_token_shape_without_caching(client: Client) -> None:
    await register(client)
    tokens = await log_in(client)
    response = await client.post("/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert response.status_code == 200
    assert "no-store" in response.headers["cache-control"]
    assert set(response.json()) == set(tokens)


@pytest.mark.parametrize("refresh_token", ["", "unknown", "x" * 5000])
async def test_an_unknown_or_malformed_refresh_token_is_refused(client: Client, refresh_token: str) -> None:
    response = await client.post("/auth/refresh", json={"refresh_token": refresh_token})
    assert response.status_code in (400, 401)
    assert_problem(response, response.status_code)


async def test_the_access_token_is_not_a_refresh_token(client: Client) -> None:
    await register(client)
    tokens = await log_in(client)
    response = await client.post("/auth/refresh", json={"refresh_token": tokens["access_token"]})
    assert_problem(response, 401)


async def test_the_refresh_token_is_not_an_access_token(client: Client) -> None:
    await register(client)
    tokens = await log_in(client)
    response = await client.get("/api/user/profile", headers={"Authorization": f"Bearer {tokens['refresh_token']}"})
    assert_problem(response, 401)
    assert response.headers["www-authenticate"] == 'Bearer realm="tessera", error="invalid_token"'


async def test_profile_without_a_token_is_401_with_a_bare_bearer_challenge(client: Client) -> None:
    for response in (await client.get("/api/user/profile"), await client.post("/auth/logout")):
        assert_problem(response, 401)
        assert response.headers["www-authenticate"] == 'Bearer realm="tessera"'


@pytest.mark.parametrize(
    "authorization",
    ["Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Bearer a.b.c", "Bearer not-a-jwt", "Bearer " + "a" * 5000],
)
async def test_a_bad_authorization_header_is_401_invalid_token(client: Client, authorization: str) -> None:
    response = await client.get("/api/user/profile", headers={"Authorization": authorization})
    assert_problem(response, 401)
    assert response.headers["www-authenticate"] == 'Bearer realm="tessera", error="invalid_token"'


async def test_a_token_in_the_query_string_is_ignored(client: Client) -> None:
    await register(client)
    tokens = await log_in(client)
    response = await client.get(f"/api/user/profile?access_token={tokens['access_token']}")
    assert_problem(response, 401)
    assert response.headers["www-authenticate"] == 'Bearer realm="tessera"'


async def test_jwks_publishes_public_keys_only(client: Client) -> None:
    response = await client.get("/.well-known/jwks.json")
    assert response.status_code == 200
    (key,) = response.json()["keys"]
    assert key["use"] == "sig" and key["alg"] == "RS256" and key["kid"] and key["kty"] == "RSA"
    assert not {"d", "p", "q", "dp", "dq", "qi"} & set(key)


async def test_health_and_the_openapi_schema_with_its_bearer_scheme(client: Client) -> None:
    assert (await client.get("/health")).status_code == 200
    schema = (await client.get("/schema/openapi.json")).json()
    assert schema["components"]["securitySchemes"]["BearerToken"] == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
    }
    for path in ("/auth/register", "/auth/login", "/auth/refresh", "/auth/logout", "/auth/logout-all"):
        assert path in schema["paths"]
    assert schema["paths"]["/api/user/profile"]["get"]["security"] == [{"BearerToken": []}, {"AccessCookie": []}]
    documented = {
        ("/auth/register", "post"): {"201", "400", "409"},
        ("/auth/login", "post"): {"200", "400", "401"},
        ("/auth/refresh", "post"): {"200", "400", "401"},
        ("/auth/logout", "post"): {"204", "401"},
        ("/auth/logout-all", "post"): {"204", "401"},
        ("/api/user/profile", "get"): {"200", "401"},
    }
    for (path, method), statuses in documented.items():
        responses = schema["paths"][path][method]["responses"]
        assert statuses <= set(responses), (path, set(responses))
        for status in statuses - {"200", "201", "204"}:
            assert "application/problem+json" in responses[status]["content"], (path, status)


async def test_unknown_routes_and_methods_are_problems_too(client: Client) -> None:
    assert_problem(await client.get("/nowhere"), 404)
    assert_problem(await client.get("/auth/login"), 405)


async def test_a_body_over_the_size_limit_is_refused(client: Client) -> None:
    response = await client.post("/auth/login", content=b"{" + b" " * 100_000 + b"}")
    assert response.status_code == 413
    assert_problem(response, 413)


async def test_profile_answers_the_callers_own_profile(client: Client) -> None:
    ada, grace = await register(client, "ada@example.com"), await register(client, "grace@example.com")
    response = await client.get("/api/user/profile", headers=bearer(await log_in(client, "grace@example.com")))
    assert response.json()["id"] == grace["id"] != ada["id"]


async def test_too_many_failed_logins_answer_429_with_retry_after(client: Client) -> None:
    await register(client)
    for _ in range(5):
        response = await client.post("/auth/login", json={"email": "ada@example.com", "password": "wrong password"})
        assert response.status_code == 401

    throttled = await client.post("/auth/login", json={"email": "ada@example.com", "password": PASSWORD})

    assert_problem(throttled, 429)
    assert 0 < int(throttled.headers["retry-after"]) <= 15 * 60


async def test_too_many_registrations_from_one_address_answer_429_with_retry_after_and_store_nothing(
    client: Client,
) -> None:
    for n in range(10):
        await register(client, f"user{n}@example.com")

    throttled = await client.post("/auth/register", json={"email": "eve@example.com", "password": PASSWORD})

    body = assert_problem(throttled, 429)
    assert body["type"] == "urn:tessera:problem:registration-throttled"
    assert 0 < int(throttled.headers["retry-after"]) <= 3600
    login = await client.post("/auth/login", json={"email": "eve@example.com", "password": PASSWORD})
    assert login.status_code == 401


async def test_the_session_route_answers_from_the_access_token_alone(client: Client) -> None:
    user = await register(client)
    tokens = await log_in(client)
    response = await client.get("/api/user/session", headers=bearer(tokens))
    assert response.status_code == 200
    body = response.json()
    assert body["user_id"] == user["id"] and body["roles"] == [] and body["session_id"]
    assert (await client.get("/api/user/session")).status_code == 401


async def test_an_unexpected_failure_is_a_500_problem_that_reveals_nothing(tmp_path: Path) -> None:
    from dishka import Provider, Scope, provide

    from application.use_cases.get_profile import GetProfile
    from entrypoints.http.app import create_app
    from tests.support.http import settings_for_tests

    class Broken(Provider):
        @provide(scope=Scope.REQUEST)
        def profile(self) -> GetProfile:
            raise RuntimeError("connection string postgresql://tessera:hunter2@db/tessera")

    async with AsyncTestClient(create_app(settings_for_tests("memory://", tmp_path), Broken())) as broken:
        await register(broken)
        response = await broken.get("/api/user/profile", headers=bearer(await log_in(broken)))

    body = assert_problem(response, 500)
    assert "hunter2" not in response.text and "RuntimeError" not in response.text
    assert body["detail"] == "The server could not complete the request."


async def test_the_paged_listings_document_their_page_parameters_bounds_and_next_page(client: Client) -> None:
    """Third review, item 15: both listings state their largest page and how to ask for the next."""
    schema = (await client.get("/schema/openapi.json")).json()

    def parameters(path: str) -> dict[str, dict[str, object]]:
        operation = schema["paths"][path]["get"]
        return {p["name"]: p for p in operation["parameters"] if p["in"] == "query"}

    def fields(path: str) -> set[str]:
        reference = schema["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
        return set(schema["components"]["schemas"][reference.rsplit("/", 1)[1]]["properties"])

    sessions, feed = parameters("/auth/sessions"), parameters("/oauth/revocations")
    assert (sessions["limit"]["schema"]["minimum"], sessions["limit"]["schema"]["maximum"]) == (1, 100)  # type: ignore[index]
    assert sessions["offset"]["schema"]["minimum"] == 0  # type: ignore[index]
    assert (feed["limit"]["schema"]["minimum"], feed["limit"]["schema"]["maximum"]) == (1, 1000)  # type: ignore[index]
    assert "pattern" in feed["after"]["schema"]  # type: ignore[operator]
    assert {"sessions", "next_offset"} <= fields("/auth/sessions")
    assert {"revocations", "cursor", "window", "more"} <= fields("/oauth/revocations")
    assert "400" in schema["paths"]["/auth/sessions"]["get"]["responses"]
