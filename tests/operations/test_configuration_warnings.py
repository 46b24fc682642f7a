"""Start-up warnings, one line each on stderr: a `TESSERA_*` variable tessera does not know (a typo) names
the nearest one it does; an unset issuer warns unless tessera runs on its development key."""

import base64
import json
import os
import secrets
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from joserfc.jwk import ECKey

from entrypoints.cli.main import main
from entrypoints.settings.config import Settings
from entrypoints.settings.config_warnings import KNOWN, SETTINGS, config_warnings
from entrypoints.settings.reader import settings_from_env

pytestmark = pytest.mark.app

ISSUER_WARNING = (
    "tessera: warning: TESSERA_ISSUER is not set: tokens name the development issuer http://localhost:8000; "
    "set it to this service's public URL\n"
)


class RecordingEnviron(Mapping[str, str]):
    """An environment that remembers every name looked up in it."""

    def __init__(self, values: dict[str, str]) -> None:
        self._values, self.read = values, set[str]()

    def __getitem__(self, name: str) -> str:
        self.read.add(name)
        return self._values[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No `TESSERA_*` variable but those the test sets; a store without a schema, so commands touch nothing."""
    for name in list(os.environ):
        if name.upper().startswith("TESSERA_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("TESSERA_DATABASE_URL", "memory://")
    return monkeypatch


def stderr_of(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert main(list(args)) == 0
    return capsys.readouterr().err


def test_the_known_settings_are_exactly_the_variables_the_configuration_reads(tmp_path: Path) -> None:
    for values in ({}, {"TESSERA_LEGACY_SESSIONS": f"file://{tmp_path}"}):  # the bridge off, and on
        environ = RecordingEnviron(values)
        settings_from_env(environ)
        assert environ.read == SETTINGS


def test_every_known_variable_passes_without_a_warning() -> None:
    assert config_warnings(Settings(issuer="https://auth.example.com"), dict.fromkeys(KNOWN, "set")) == []


def test_an_unknown_setting_warns_once_naming_the_nearest_known_one(
    environment: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    environment.setenv("TESSERA_ISSEUR", "https://auth.example.com")

    assert stderr_of(capsys, "db", "upgrade") == (
        "tessera: warning: unknown setting TESSERA_ISSEUR; did you mean TESSERA_ISSUER?\n"
    )


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("TESSERA_SIGNING_KEY", "unknown setting TESSERA_SIGNING_KEY; did you mean TESSERA_SIGNING_KEY_FILE?"),
        (
            "TESSERA_OAUTH_CLIENTS_FILE",
            "unknown setting TESSERA_OAUTH_CLIENTS_FILE; did you mean TESSERA_OAUTH_CLIENTS?",
        ),
        ("tessera_audience", "unknown setting tessera_audience; did you mean TESSERA_AUDIENCE?"),
        ("TESSERA_DEBUG", "unknown setting TESSERA_DEBUG (ignored)"),
    ],
)
def test_an_unknown_setting_is_named_with_its_nearest_known_one_if_any(name: str, expected: str) -> None:
    assert config_warnings(Settings(), {name: "x"}) == [expected]


def test_a_misspelt_secret_is_named_but_its_value_never_shown(
    environment: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = base64.b64encode(secrets.token_bytes(32)).decode()
    environment.setenv("TESSERA_KEY_ENCRYPTON_KEY", secret)

    err = stderr_of(capsys, "db", "upgrade")

    assert (
        err == "tessera: warning: unknown setting TESSERA_KEY_ENCRYPTON_KEY; did you mean TESSERA_KEY_ENCRYPTION_KEY?\n"
    )
    assert secret not in err


def test_variables_of_the_tests_benchmarks_and_downstream_example_are_known(
    environment: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("TESSERA_URL", "TESSERA_TEST_POSTGRES_URL", "TESSERA_CONTRACT_ADAPTER", "TESSERA_BENCH_VARIANT"):
        environment.setenv(name, "set")
    environment.setenv("TESSERA_WORKER_SOCKETS", "/run/tessera-workers")  # set by `serve --workers` itself

    assert stderr_of(capsys, "db", "upgrade") == ""


def test_on_the_development_key_an_unset_issuer_does_not_warn(
    environment: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert stderr_of(capsys, "db", "upgrade") == ""


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("TESSERA_KEY_ENCRYPTION_KEY", base64.b64encode(secrets.token_bytes(32)).decode()),
        ("TESSERA_SIGNING_KEY_FILE", "/run/secrets/tessera.pem"),
    ],
)
def test_an_unset_issuer_outside_development_warns_at_every_command(
    environment: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], variable: str, value: str
) -> None:
    environment.setenv(variable, value)
    assert stderr_of(capsys, "db", "upgrade") == ISSUER_WARNING

    environment.setenv("TESSERA_ISSUER", "https://auth.example.com")
    assert stderr_of(capsys, "db", "upgrade") == ""


def test_serve_warns_of_an_unset_issuer_and_an_unknown_setting_before_it_starts(
    environment: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    key_file = tmp_path / "signing.jwk"
    key_file.write_text(json.dumps(ECKey.generate_key("P-256", private=True).as_dict(private=True)))
    environment.setenv("TESSERA_SIGNING_ALG", "ES256")
    environment.setenv("TESSERA_SIGNING_KEY_FILE", str(key_file))
    environment.setenv("TESSERA_AUDEINCE", "api.example.com")
    served: list[Any] = []
    environment.setattr("entrypoints.http.app.create_app", lambda settings, *overrides: "the app")
    environment.setattr("uvicorn.run", lambda app, **options: served.append(app))

    err = stderr_of(capsys, "serve")

    assert served == ["the app"]
    assert err.splitlines(keepends=True)[:2] == [
        "tessera: warning: unknown setting TESSERA_AUDEINCE; did you mean TESSERA_AUDIENCE?\n",
        ISSUER_WARNING,
    ]
