"""The Django integration in process (tests/verifier/django_site.py, on a fake tessera): `request.user` under
WSGI and ASGI, `require_token` on sync and async views, Django's CSRF check lifted for bearer requests only,
the access cookie with tessera's CSRF proof, a Django user resolved by a claim, and DRF's classes."""

import tests.support.django_settings  # noqa: F401  (configures Django first)

# isort: split

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.test import AsyncClient, Client, override_settings
from tessera_verifier import Verifier
from tessera_verifier.django_settings import tessera_settings

from tests.support.forgery import claims, header_for, signed
from tests.verifier import django_site
from tests.verifier.conftest import verifier_for
from tests.verifier.fake_tessera import BASE, CLIENT_ID, CLIENT_SECRET

pytestmark = pytest.mark.app

USER = str(uuid.uuid4())
COOKIE = "__Host-tessera-access"
PROOF = {"HTTP_X_REQUESTED_WITH": "tessera", "HTTP_ORIGIN": "http://testserver"}


def token(**changes: Any) -> str:
    return signed(header_for(django_site.KEY), claims(USER, **changes), django_site.KEY)


def bearer(**changes: Any) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token(**changes)}"}


def bearer_header(**changes: Any) -> dict[str, str]:
    """For the AsyncClient, which takes headers by name."""
    return {"Authorization": f"Bearer {token(**changes)}"}


@pytest.fixture(scope="module", autouse=True)
def database() -> None:
    call_command("migrate", verbosity=0)


@pytest.fixture
def client() -> Client:
    return Client(enforce_csrf_checks=True)  # as a browser meets Django: its CSRF check on


@pytest.fixture
def cookie_client() -> Iterator[Client]:
    """The site accepting tessera's access cookie too."""
    with override_settings(TESSERA={"VERIFIER": django_site.VERIFIER, "ACCESS_COOKIE": True}):
        yield Client(enforce_csrf_checks=True)


def test_a_verified_token_makes_request_user_an_authenticated_user_with_its_roles(client: Client) -> None:
    answer = client.get("/whoami", **bearer(roles=["admin"]))
    assert answer.status_code == 200, answer.content
    assert answer.json() == {
        "class": "TesseraUser",
        "pk": USER,
        "authenticated": True,
        "anonymous": False,
        "admin": True,
        "sid": answer.json()["sid"],
        "claims_sub": USER,
    }
    assert client.get("/whoami", **bearer()).json()["admin"] is False


def test_no_token_is_a_bare_challenge_and_a_bad_one_the_invalid_token_challenge(client: Client) -> None:
    missing = client.get("/whoami")
    assert (missing.status_code, missing["WWW-Authenticate"]) == (401, 'Bearer realm="api"')
    assert missing["Content-Type"] == "application/problem+json"
    forged = client.get("/whoami", **bearer(aud="another-api"))
    assert (forged.status_code, forged["WWW-Authenticate"]) == (401, 'Bearer realm="api", error="invalid_token"')


def test_without_require_token_a_request_without_credential_passes_as_anonymous_but_a_bad_token_does_not() -> None:
    with override_settings(TESSERA={"VERIFIER": django_site.VERIFIER, "REQUIRE_TOKEN": False}):
        client = Client()
        anonymous = client.get("/whoami")
        assert anonymous.status_code == 200
        assert anonymous.json()["authenticated"] is False and anonymous.json()["claims_sub"] is None
        assert client.get("/whoami", **bearer(exp=0)).status_code == 401


@pytest.mark.anyio
async def test_under_asgi_the_middleware_runs_async_and_sets_request_user_for_an_async_view() -> None:
    answer = await AsyncClient().get("/async-whoami", headers=bearer_header())
    assert answer.status_code == 200, answer.content
    assert answer.json()["pk"] == USER and answer.json()["class"] == "TesseraUser"
    assert (await AsyncClient().get("/async-whoami")).status_code == 401


@pytest.mark.parametrize("path", ["/decorated", "/decorated-async"])
def test_require_token_guards_sync_and_async_views_with_roles(path: str) -> None:
    with override_settings(TESSERA={"VERIFIER": django_site.VERIFIER, "REQUIRE_TOKEN": False}):
        client = Client(enforce_csrf_checks=True)
        assert client.get(path, **bearer(roles=["admin"])).json()["pk"] == USER
        lacking = client.get(path, **bearer())
        assert (lacking.status_code, lacking["WWW-Authenticate"]) == (
            403,
            'Bearer realm="api", error="insufficient_scope"',
        )
        assert client.get(path).status_code == 401
        assert client.post(path, **bearer(roles=["admin"])).json()["method"] == "POST"  # no CSRF token needed


@pytest.mark.anyio
async def test_an_async_view_behind_require_token_answers_a_response_not_a_coroutine_under_asgi() -> None:
    answer = await AsyncClient().get("/decorated-async", headers=bearer_header(roles=["admin"]))
    assert answer.status_code == 200 and answer.json()["pk"] == USER


def test_a_bearer_post_is_not_stopped_by_djangos_csrf_check(client: Client) -> None:
    answer = client.post("/orders", **bearer())
    assert (answer.status_code, answer.json()) == (201, {"created_for": USER})


def test_the_access_cookie_is_refused_unless_accepted(client: Client) -> None:
    client.cookies[COOKIE] = token()
    assert client.get("/whoami").status_code == 401


def test_the_access_cookie_authenticates_a_safe_request(cookie_client: Client) -> None:
    cookie_client.cookies[COOKIE] = token()
    assert cookie_client.get("/whoami").json()["pk"] == USER


def test_a_cookie_post_without_tesseras_csrf_proof_is_refused_before_the_token_is_read(cookie_client: Client) -> None:
    cookie_client.cookies[COOKIE] = token()
    refused = cookie_client.post("/orders")
    assert refused.status_code == 403 and refused["Content-Type"] == "application/problem+json"
    assert "WWW-Authenticate" not in refused
    foreign = cookie_client.post("/orders", HTTP_X_REQUESTED_WITH="tessera", HTTP_ORIGIN="https://evil.example")
    assert foreign.status_code == 403


def test_a_cookie_post_stays_subject_to_djangos_own_csrf_check(cookie_client: Client) -> None:
    cookie_client.cookies[COOKIE] = token()
    without_djangos_token = cookie_client.post("/orders", **PROOF)
    assert without_djangos_token.status_code == 403
    assert b"CSRF" in without_djangos_token.content and without_djangos_token["Content-Type"].startswith("text/html")
    cookie_client.cookies["csrftoken"] = "a" * 32
    with_it = cookie_client.post("/orders", **PROOF, HTTP_X_CSRFTOKEN="a" * 32)
    assert (with_it.status_code, with_it.json()) == (201, {"created_for": USER})


def test_a_claim_names_the_django_user_and_a_user_unknown_here_is_403() -> None:
    user = get_user_model().objects.create_user(username=f"ada-{uuid.uuid4()}")
    with override_settings(TESSERA={"VERIFIER": django_site.VERIFIER, "USER_CLAIM": "legacy_id"}):
        client = Client()
        resolved = client.get("/whoami", **bearer(legacy_id=user.pk)).json()
        assert (resolved["class"], resolved["pk"], resolved["claims_sub"]) == ("User", str(user.pk), USER)
        assert client.get("/whoami", **bearer()).json()["class"] == "TesseraUser"  # no such claim: not migrated
        for unknown in (10**9, "not-an-id"):
            refused = client.get("/whoami", **bearer(legacy_id=unknown))
            assert (refused.status_code, refused["WWW-Authenticate"]) == (
                403,
                'Bearer realm="api", error="insufficient_scope"',
            )


def test_a_mistyped_setting_is_a_configuration_error() -> None:
    mistyped = override_settings(TESSERA={"VERIFIER": django_site.VERIFIER, "ACCESS_COOKIES": True})
    with mistyped, pytest.raises(ImproperlyConfigured, match="ACCESS_COOKIES"):
        tessera_settings()
    with (
        override_settings(TESSERA={"VERIFIER": "tests.verifier.django_site.KEY"}),
        pytest.raises(ImproperlyConfigured, match="Verifier"),
    ):
        tessera_settings()


@pytest.fixture
def drf_only() -> Iterator[Client]:
    """DRF's authentication class alone: no tessera middleware."""
    middleware = ["django.middleware.common.CommonMiddleware", "django.middleware.csrf.CsrfViewMiddleware"]
    with override_settings(MIDDLEWARE=middleware, TESSERA={"VERIFIER": django_site.VERIFIER, "ACCESS_COOKIE": True}):
        yield Client(enforce_csrf_checks=True)


@pytest.mark.parametrize("alone", [True, False], ids=["drf alone", "behind the middleware"])
def test_drf_answers_401_with_the_rfc_6750_challenge_and_403_insufficient_scope(
    alone: bool, drf_only: Client, client: Client
) -> None:
    api = drf_only if alone else client
    me = api.get("/api/me", **bearer(roles=["support"])).json()
    assert (me["pk"], me["roles"], me["authenticated"]) == (USER, ["support"], True)
    missing = api.get("/api/me")
    assert (missing.status_code, missing["WWW-Authenticate"]) == (401, 'Bearer realm="api"')
    forged = api.get("/api/me", **bearer(iss="https://evil.example"))
    assert (forged.status_code, forged["WWW-Authenticate"]) == (401, 'Bearer realm="api", error="invalid_token"')
    lacking = api.get("/api/report", **bearer(roles=["support"]))
    assert (lacking.status_code, lacking["WWW-Authenticate"]) == (403, 'Bearer realm="api", error="insufficient_scope"')
    assert api.get("/api/report", **bearer(roles=["admin"])).json() == {"report": "yes"}
    assert api.post("/api/me", **bearer()).status_code == 201  # a bearer POST: no CSRF token


def test_drf_holds_a_cookie_post_to_tesseras_proof_and_djangos(drf_only: Client) -> None:
    drf_only.cookies[COOKIE] = token()
    assert drf_only.get("/api/me").json()["pk"] == USER
    assert drf_only.post("/api/me").status_code == 403  # no proof at all
    assert drf_only.post("/api/me", **PROOF).status_code == 403  # tessera's proof, not Django's token
    drf_only.cookies["csrftoken"] = "b" * 32
    assert drf_only.post("/api/me", **PROOF, HTTP_X_CSRFTOKEN="b" * 32).status_code == 201


@pytest.fixture
def stale_verifier() -> Iterator[Verifier]:
    """Its revocation feed read once, then (on the clock it is given) three minutes ago: past its 2 s bound."""
    now = [1000.0]
    feed = {"revocations_url": f"{BASE}/oauth/revocations", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}
    verifier = verifier_for(django_site.TESSERA, poll_interval=1.0, monotonic=lambda: now[0], **feed)
    verifier.start()
    now[0] += 180
    yield verifier
    verifier.close()


def test_drf_answers_a_stale_feed_with_503_and_retry_after(stale_verifier: Verifier, drf_only: Client) -> None:
    with override_settings(TESSERA={"VERIFIER": stale_verifier}):
        answer = Client().get("/api/me", **bearer())
    assert (answer.status_code, answer["Retry-After"]) == (503, "1")
    assert "WWW-Authenticate" not in answer


def test_the_middleware_answers_a_stale_feed_with_503_and_retry_after(stale_verifier: Verifier) -> None:
    with override_settings(TESSERA={"VERIFIER": stale_verifier}):
        answer = Client().get("/whoami", **bearer())
    assert (answer.status_code, answer["Retry-After"], answer.json()["status"]) == (503, "1", 503)


def test_behind_the_wsgi_middleware_the_django_middleware_admits_its_claims_and_lifts_csrf_for_bearer() -> None:
    from django.core.wsgi import get_wsgi_application
    from tessera_verifier.wsgi import TesseraWsgiMiddleware
    from werkzeug.test import Client as WsgiClient

    user = get_user_model().objects.create_user(username=f"grace-{uuid.uuid4()}")
    with override_settings(TESSERA={"VERIFIER": django_site.VERIFIER, "USER_CLAIM": "legacy_id"}):
        wrapped = WsgiClient(TesseraWsgiMiddleware(get_wsgi_application(), django_site.VERIFIER))
        headers = {"Authorization": bearer(legacy_id=user.pk)["HTTP_AUTHORIZATION"], "Host": "testserver"}
        answer = wrapped.get("/whoami", headers=headers)
        assert (answer.status_code, answer.json["class"], answer.json["pk"]) == (200, "User", str(user.pk))
        assert wrapped.post("/orders", headers=headers).status_code == 201


@pytest.mark.parametrize("path", ["/decorated", "/decorated-async"])
def test_a_decorated_view_exempt_from_djangos_middleware_still_holds_a_cookie_post_to_djangos_check(path: str) -> None:
    options = {"VERIFIER": django_site.VERIFIER, "ACCESS_COOKIE": True, "REQUIRE_TOKEN": False}
    with override_settings(TESSERA=options):
        client = Client(enforce_csrf_checks=True)
        client.cookies[COOKIE] = token(roles=["admin"])
        assert client.post(path).status_code == 403  # not even tessera's proof
        without_djangos_token = client.post(path, **PROOF)
        assert without_djangos_token.status_code == 403 and b"CSRF" in without_djangos_token.content
        client.cookies["csrftoken"] = "c" * 32
        assert client.post(path, **PROOF, HTTP_X_CSRFTOKEN="c" * 32).json()["method"] == "POST"


def test_drf_behind_the_wsgi_middleware_alone_resolves_the_claims_user_and_refuses_an_inactive_one() -> None:
    """Without tessera's Django middleware, DRF takes the WSGI middleware's claims: the `USER_CLAIM` still
    names the Django user, and a user deactivated here is still refused (the token grants nothing here)."""
    from django.core.wsgi import get_wsgi_application
    from tessera_verifier.wsgi import TesseraWsgiMiddleware
    from werkzeug.test import Client as WsgiClient

    model = get_user_model()
    active = model.objects.create_user(username=f"ada-{uuid.uuid4()}")
    gone = model.objects.create_user(username=f"bob-{uuid.uuid4()}", is_active=False)
    middleware = ["django.middleware.common.CommonMiddleware", "django.middleware.csrf.CsrfViewMiddleware"]
    options = {"VERIFIER": django_site.VERIFIER, "USER_CLAIM": "legacy_id"}
    with override_settings(MIDDLEWARE=middleware, TESSERA=options):
        wrapped = WsgiClient(TesseraWsgiMiddleware(get_wsgi_application(), django_site.VERIFIER))

        def get(user: Any) -> Any:
            headers = {"Authorization": bearer(legacy_id=user.pk)["HTTP_AUTHORIZATION"], "Host": "testserver"}
            return wrapped.get("/api/me", headers=headers)

        resolved = get(active)
        assert (resolved.status_code, resolved.json["class"], resolved.json["pk"]) == (200, "User", str(active.pk))
        refused = get(gone)
        assert (refused.status_code, refused.headers["WWW-Authenticate"]) == (
            403,
            'Bearer realm="api", error="insufficient_scope"',
        )


@pytest.fixture
def drf_problems(drf_only: Client) -> Iterator[Client]:
    """DRF with tessera's exception handler: refusals as RFC 9457 problem JSON, DRF's headers kept."""
    rest = {
        "DEFAULT_AUTHENTICATION_CLASSES": ["tessera_verifier.drf.TesseraAuthentication"],
        "UNAUTHENTICATED_USER": None,
        "EXCEPTION_HANDLER": "tessera_verifier.drf.problem_exception_handler",
    }
    with override_settings(REST_FRAMEWORK=rest):
        yield drf_only


def _problem(answer: Any) -> dict[str, Any]:
    assert answer["Content-Type"] == "application/problem+json"
    body: dict[str, Any] = answer.json()
    assert body["status"] == answer.status_code and body["type"] == "about:blank"
    return body


def test_drf_with_the_problem_handler_answers_problem_json_with_the_same_status_and_headers(
    drf_problems: Client,
) -> None:
    missing = drf_problems.get("/api/me")
    assert (missing.status_code, missing["WWW-Authenticate"]) == (401, 'Bearer realm="api"')
    assert _problem(missing) == {
        "type": "about:blank",
        "title": "Unauthorized",
        "status": 401,
        "detail": "Authentication credentials were not provided.",
    }
    forged = drf_problems.get("/api/me", **bearer(iss="https://evil.example"))
    assert (forged.status_code, forged["WWW-Authenticate"]) == (401, 'Bearer realm="api", error="invalid_token"')
    assert _problem(forged)["detail"] == "The access token is invalid or expired."
    lacking = drf_problems.get("/api/report", **bearer(roles=["support"]))
    assert (lacking.status_code, lacking["WWW-Authenticate"]) == (403, 'Bearer realm="api", error="insufficient_scope"')
    assert _problem(lacking)["title"] == "Forbidden"
    drf_problems.cookies[COOKIE] = token()
    assert _problem(drf_problems.post("/api/me"))["status"] == 403  # a cookie POST without the CSRF proofs
    assert drf_problems.get("/api/me", **bearer()).json()["pk"] == USER  # an admitted request is untouched


def test_drf_with_the_problem_handler_answers_a_stale_feed_as_problem_json_with_retry_after(
    stale_verifier: Verifier, drf_problems: Client
) -> None:
    with override_settings(TESSERA={"VERIFIER": stale_verifier}):
        answer = Client().get("/api/me", **bearer())
    assert (answer.status_code, answer["Retry-After"]) == (503, "1")
    assert _problem(answer)["title"] == "Service Unavailable"


def test_the_problem_handler_lists_a_validation_errors_fields_and_leaves_other_errors_to_django() -> None:
    from rest_framework.exceptions import ValidationError
    from tessera_verifier.drf import problem_exception_handler

    answer = problem_exception_handler(ValidationError({"name": ["This field is required."]}), {})
    assert answer is not None and answer.content_type == "application/problem+json"
    assert answer.data == {
        "type": "about:blank",
        "title": "Bad Request",
        "status": 400,
        "errors": {"name": ["This field is required."]},
    }
    assert problem_exception_handler(RuntimeError("a bug"), {}) is None
