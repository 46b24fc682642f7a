"""FastAPI's security dependencies in process, on a fake tessera: the bearer scheme in the OpenAPI document,
a required token, an optional one, roles, and the refusals as the middleware answers them."""

import uuid
from collections.abc import Iterator
from typing import Annotated, Any

import pytest
from fastapi import FastAPI, Request, Security
from fastapi.testclient import TestClient
from joserfc.jwk import RSAKey
from tessera_verifier import Claims, Verifier
from tessera_verifier.asgi import TesseraMiddleware
from tessera_verifier.fastapi import REFUSALS, ROLE_REFUSALS, TesseraBearer, TokenRefused, token_refused

from tests.support.forgery import claims, header_for, signed
from tests.verifier.conftest import verifier_for
from tests.verifier.fake_tessera import BASE, CLIENT_ID, CLIENT_SECRET, FakeTessera

pytestmark = pytest.mark.app

USER = str(uuid.uuid4())
BARE, INVALID = 'Bearer realm="api"', 'Bearer realm="api", error="invalid_token"'
SCHEME = {
    "type": "http",
    "scheme": "bearer",
    "bearerFormat": "JWT",
    "description": "An access token issued by tessera: `Authorization: Bearer <token>`.",
}


def bearer(key: RSAKey, **changes: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {signed(header_for(key), claims(USER, **changes), key)}"}


def service(verifier: Verifier, *, problems: bool = True) -> FastAPI:
    required, optional = TesseraBearer(verifier), TesseraBearer(verifier, optional=True)
    app = FastAPI()
    if problems:
        app.add_exception_handler(TokenRefused, token_refused)

    @app.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/whoami", responses=REFUSALS)
    def whoami(token: Annotated[Claims, Security(required)], request: Request) -> dict[str, Any]:
        return {"sub": token.sub, "roles": list(token.roles), "user": request.user.identity}

    @app.get("/greeting")
    def greeting(token: Annotated[Claims | None, Security(optional)]) -> dict[str, Any]:
        return {"for": None if token is None else token.sub}

    @app.get("/admin", dependencies=[Security(required.requiring("admin"))], responses=ROLE_REFUSALS)
    def admin() -> dict[str, str]:
        return {"status": "admin"}

    @app.get("/audit")
    def audit(token: Annotated[Claims, Security(optional.requiring("auditor"))]) -> dict[str, str]:
        return {"sub": token.sub}

    return app


@pytest.fixture
def client(tessera: FakeTessera) -> Iterator[TestClient]:
    with TestClient(service(verifier_for(tessera))) as test_client:
        yield test_client


def assert_refused(answer: Any, status: int, challenge: str | None) -> None:
    assert answer.status_code == status
    assert answer.headers.get("www-authenticate") == challenge
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.headers["cache-control"] == "no-store"
    assert answer.json()["status"] == status


def test_a_genuine_token_gives_the_route_its_claims_and_the_request_its_user(client: TestClient, key: RSAKey) -> None:
    assert client.get("/whoami", headers=bearer(key)).json() == {"sub": USER, "roles": [], "user": USER}


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Basic dXNlcjpwYXNz"}])
def test_without_a_bearer_token_a_required_route_answers_401_with_a_bare_challenge(
    client: TestClient, headers: dict[str, str]
) -> None:
    assert_refused(client.get("/whoami", headers=headers), 401, BARE)


def test_a_bad_token_answers_401_invalid_token_with_the_generic_problem(client: TestClient, key: RSAKey) -> None:
    answer = client.get("/whoami", headers=bearer(key, aud="another-api"))
    assert_refused(answer, 401, INVALID)
    assert answer.json()["detail"] == "The access token is invalid or expired."
    assert_refused(client.get("/whoami", headers={"Authorization": "Bearer a b"}), 401, INVALID)


def test_an_optional_route_gets_none_without_a_token_the_claims_with_one_and_refuses_a_bad_one(
    client: TestClient, key: RSAKey
) -> None:
    assert client.get("/greeting").json() == {"for": None}
    assert client.get("/greeting", headers={"Authorization": "Basic dXNlcjpwYXNz"}).json() == {"for": None}
    assert client.get("/greeting", headers=bearer(key)).json() == {"for": USER}
    assert_refused(client.get("/greeting", headers=bearer(key, exp=0)), 401, INVALID)


def test_a_missing_role_is_403_insufficient_scope_and_no_token_still_401(client: TestClient, key: RSAKey) -> None:
    assert client.get("/admin", headers=bearer(key, roles=["admin", "billing"])).json() == {"status": "admin"}
    lacking = client.get("/admin", headers=bearer(key, roles=["billing"]))
    assert_refused(lacking, 403, 'Bearer realm="api", error="insufficient_scope"')
    assert lacking.json()["detail"] == "This needs a role the token does not have."
    assert_refused(client.get("/admin"), 401, BARE)
    assert_refused(client.get("/audit"), 401, BARE)  # roles need a token, even from an optional bearer
    assert client.get("/audit", headers=bearer(key, roles=["auditor"])).json() == {"sub": USER}


def test_the_openapi_document_shows_the_bearer_scheme_on_the_guarded_routes_only(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    assert document["components"]["securitySchemes"] == {"TesseraBearer": SCHEME}
    for path in ("/whoami", "/greeting", "/admin", "/audit"):
        assert document["paths"][path]["get"]["security"] == [{"TesseraBearer": []}], path
    assert "security" not in document["paths"]["/health"]["get"]
    assert {"401", "503"} <= set(document["paths"]["/whoami"]["get"]["responses"])
    refusals = document["paths"]["/admin"]["get"]["responses"]
    assert "application/problem+json" in refusals["403"]["content"] and {"401", "503"} <= set(refusals)
    assert client.get("/docs").status_code == 200


def test_without_the_problem_handler_the_status_and_challenge_are_still_right(
    tessera: FakeTessera, key: RSAKey
) -> None:
    with TestClient(service(verifier_for(tessera), problems=False)) as client:
        answer = client.get("/whoami", headers=bearer(key, exp=0))
        assert (answer.status_code, answer.headers["www-authenticate"]) == (401, INVALID)
        assert answer.json() == {"detail": "The access token is invalid or expired."}
        assert client.get("/admin", headers=bearer(key)).status_code == 403


def test_while_the_feed_is_stale_a_valid_token_answers_503_with_retry_after_and_no_challenge(
    tessera: FakeTessera, key: RSAKey
) -> None:
    now = [1000.0]
    feed = {"revocations_url": f"{BASE}/oauth/revocations", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}
    verifier = verifier_for(tessera, poll_interval=1.0, monotonic=lambda: now[0], **feed)
    verifier.start()
    now[0] += 180
    with TestClient(service(verifier)) as client:
        for path in ("/whoami", "/greeting", "/admin"):
            answer = client.get(path, headers=bearer(key, roles=["admin"]))
            assert_refused(answer, 503, None)
            assert answer.headers["retry-after"] == "1"
        assert_refused(client.get("/whoami", headers=bearer(key, exp=0)), 401, INVALID)  # invalid anyway
    verifier.close()


def test_behind_the_middleware_the_dependency_takes_its_claims_without_verifying_again(
    tessera: FakeTessera, key: RSAKey
) -> None:
    unreachable = FakeTessera(keys=[(key, "RS256")], down=True)  # the dependency's own verifier would refuse all
    app = service(verifier_for(unreachable))
    app.add_middleware(TesseraMiddleware, verifier=verifier_for(tessera), exclude=["^/health$", "^/docs", "^/openapi"])
    with TestClient(app) as client:
        assert client.get("/whoami", headers=bearer(key)).json() == {"sub": USER, "roles": [], "user": USER}
        assert_refused(client.get("/whoami"), 401, BARE)  # the middleware's refusal
        assert client.get("/openapi.json").status_code == 200 and client.get("/docs").status_code == 200
