"""Schemathesis drives every operation of the served OpenAPI document with generated requests:
no answer may be a server error, and every answer must be one the document declares, in its declared shape.

The schema is loaded when the module is collected, because `schema.parametrize()` needs the
operations then (the lazy `schemathesis.pytest.from_fixture` reads `request.node._nodeid`, which
pytest 9 no longer has). Operations that require a bearer token get a real one from a fresh login
per request, so that `/auth/logout` really ends a session each time instead of answering 401 after
the first. The `/admin` operations get the token of an admin, seeded into every fresh store, so that
they are driven past the role guard into the use cases. Operations for trusted backend clients (/oauth/*)
get the configured client's Basic credentials.
"""

import asyncio
import tempfile
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
import schemathesis
from dishka import Provider, Scope, provide
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.core.parameters import ParameterLocation
from schemathesis.python.asgi import get_client
from schemathesis.specs.openapi.checks import positive_data_acceptance

from adapters.memory.in_memory_store import InMemoryStore
from domain.users import Email, User
from entrypoints.http.app import create_app
from entrypoints.http.auth.client_authentication import CLIENT_SCHEME
from entrypoints.ioc.core import configured_password_hasher
from tests.support.http import PASSWORD, settings_for_tests
from tests.support.oauth import CLIENT, basic

pytestmark = pytest.mark.app


def refusing_large_bodies(schema: schemathesis.schemas.BaseSchema) -> None:
    """A body larger than the app reads is refused with 413 (documented on every route that reads one),
    before it is validated: for schema-violating data, as good a rejection as a 400."""
    rejection = schema.config.checks.negative_data_rejection
    rejection.expected_statuses = [*rejection.expected_statuses, "413"]


FUZZING = settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]
)
USER = {"email": "fuzz@example.com", "password": PASSWORD}
ADMIN = {"email": "fuzz-admin@example.com", "password": PASSWORD}
SIGN_OUT = {"path": ["/auth/logout", "/auth/logout-all"], "method": "POST"}

_key_dir = tempfile.TemporaryDirectory(prefix="tessera-openapi-fuzz-")  # removed when the process ends
# Every example registers its user afresh, from one address: the registration limit would answer 429.
_settings = settings_for_tests(
    "memory://", Path(_key_dir.name), oauth_clients=(CLIENT,), registration_max_per_address=1_000_000
)
_admin_hash = asyncio.run(configured_password_hasher(_settings).hash(PASSWORD))


class StoreWithAnAdmin(Provider):
    """Each fresh in-memory store starts with one admin, as `tessera users create --role admin` would make."""

    @provide(scope=Scope.APP)
    def store(self) -> InMemoryStore:
        store = InMemoryStore()
        admin = User(uuid.uuid4(), Email.parse(ADMIN["email"]), None, _admin_hash, ("admin",), datetime.now(UTC))
        store.tables.users[admin.id] = admin
        return store


RESET_CONFIRMATION = "/auth/password-reset/confirm"
app = create_app(_settings, StoreWithAnAdmin())
schema = schemathesis.openapi.from_asgi("/schema/openapi.json", app)
# Query parameters, headers and cookies the document does not name are ignored, as by any HTTP server
# (a browser sends cookies of its own); the JSON bodies are closed (`additionalProperties: false`).
schema.config.generation.update(allow_extra_parameters=False)
refusing_large_bodies(schema)


@schema.hook
def filter_body(context: schemathesis.HookContext, body: object) -> bool:
    """A display name of 1-100 characters must also be printable once stripped, a rule that the
    document states in words (a regular expression of Unicode's printable characters would run to
    700 ranges): no other body is set aside."""
    name = body.get("display_name") if isinstance(body, dict) else None
    if not isinstance(name, str) or not 1 <= len(name) <= 100:
        return True
    return bool(name.strip()) and name.strip().isprintable()


def bearer_for(case: schemathesis.Case) -> dict[str, str] | None:
    """The trusted client's credentials for /oauth/*; otherwise a new session of the fuzzing user (the
    admin, for `/admin`), for an operation that requires one. Schemathesis ends the app's lifespan after
    each test and the next request starts it on a fresh store: the user may not exist yet."""
    security = case.operation.definition.raw.get("security")
    if not security or _headers_made_invalid(case):
        return None
    if any(CLIENT_SCHEME in requirement for requirement in security):
        return basic()
    user = ADMIN if case.operation.path.startswith("/admin") else USER
    with get_client(app) as client:
        assert client.post("/auth/register", json=user).status_code in (201, 409)
        response = client.post("/auth/login", json=user)
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def _headers_made_invalid(case: schemathesis.Case) -> bool:
    """A negative case whose headers were mutated (the credential left out, or a malformed one): sent
    as generated, it must be refused."""
    headers = case.meta.components.get(ParameterLocation.HEADER) if case.meta else None
    return headers is not None and headers.mode == GenerationMode.NEGATIVE


@schema.exclude(**SIGN_OUT).parametrize()
@FUZZING
def test_every_operation_answers_as_documented_and_never_with_a_server_error(case: schemathesis.Case) -> None:
    if case.operation.path != RESET_CONFIRMATION:
        case.call_and_validate(headers=bearer_for(case))
        return
    # A well-formed reset token that was never issued is refused with the documented 400 (the issue's
    # contract: used, expired or unknown alike), which schemathesis would read as valid data rejected.
    response = case.call()
    case.validate_response(response, excluded_checks=[positive_data_acceptance])
    if response.status_code == 400 and case.meta is not None and case.meta.generation.mode.is_positive:
        assert response.json()["type"] == "urn:tessera:problem:invalid-password-reset-token", response.text


@schema.include(**SIGN_OUT).parametrize()
@FUZZING
def test_signing_out_answers_as_documented_and_never_with_a_server_error(case: schemathesis.Case) -> None:
    case.call_and_validate(headers=bearer_for(case))


def _needs_a_credential(context: schemathesis.filters.HasAPIOperation) -> bool:
    return bool(context.operation.definition.raw.get("security"))


@schema.include(_needs_a_credential).parametrize()
@settings(FUZZING, max_examples=15)
def test_an_operation_that_needs_a_credential_answers_without_one_as_documented(case: schemathesis.Case) -> None:
    """The routes that answer 401 by design get a pass with no credential of the fuzzer's own."""
    case.call_and_validate()
