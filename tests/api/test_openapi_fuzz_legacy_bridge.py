"""Schemathesis against POST /auth/session/exchange, which exists only with the bridge switched on:
generated cookies and bodies never cause a server error, and every answer is one the document declares."""

import tempfile
from pathlib import Path

import pytest
import schemathesis

from entrypoints.http.app import create_app
from entrypoints.settings.legacy import LegacyBridgeSettings
from tests.api.test_openapi_fuzz import FUZZING, refusing_large_bodies
from tests.support.http import settings_for_tests

pytestmark = pytest.mark.app

_work = tempfile.TemporaryDirectory(prefix="tessera-openapi-fuzz-bridge-")  # removed when the process ends
_bridge = LegacyBridgeSettings(f"file://{_work.name}/sessions")
app = create_app(settings_for_tests("memory://", Path(_work.name), legacy_bridge=_bridge))
schema = schemathesis.openapi.from_asgi("/schema/openapi.json", app)
schema.config.generation.update(allow_extra_parameters=False)
refusing_large_bodies(schema)


@schema.include(path="/auth/session/exchange", method="POST").parametrize()
@FUZZING
def test_the_exchange_answers_as_documented_and_never_with_a_server_error(case: schemathesis.Case) -> None:
    case.call_and_validate()
