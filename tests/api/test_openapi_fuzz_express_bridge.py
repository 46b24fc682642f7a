"""Schemathesis against POST /auth/session/exchange with the Express bridge on (its Redis unreachable:
a generated cookie never carries a valid signature, so it is refused before Redis is asked): generated
connect.sid cookies and bodies never cause a server error, and every answer is one the document declares."""

import tempfile
from pathlib import Path

import pytest
import schemathesis

from deploy.ports import free_port
from entrypoints.http.app import create_app
from entrypoints.settings.legacy import LegacyBridgeSettings
from tests.api.test_openapi_fuzz import FUZZING, refusing_large_bodies
from tests.support.http import settings_for_tests

pytestmark = pytest.mark.app

_work = tempfile.TemporaryDirectory(prefix="tessera-openapi-fuzz-express-")  # removed when the process ends
_secrets = Path(_work.name) / "express-session-secrets"
_secrets.write_text("the express app's secret\n")
_bridge = LegacyBridgeSettings(f"express+redis://127.0.0.1:{free_port()}/0", secret_file=_secrets)
app = create_app(settings_for_tests("memory://", Path(_work.name), legacy_bridge=_bridge))
schema = schemathesis.openapi.from_asgi("/schema/openapi.json", app)
schema.config.generation.update(allow_extra_parameters=False)
refusing_large_bodies(schema)


@schema.include(path="/auth/session/exchange", method="POST").parametrize()
@FUZZING
def test_the_express_exchange_answers_as_documented_and_never_with_a_server_error(case: schemathesis.Case) -> None:
    case.call_and_validate()
