"""`tessera config`: the effective settings, every secret masked."""

import base64
import secrets

import pytest

from domain.clients import hash_client_secret
from entrypoints.cli.main import main
from entrypoints.cli.show_config import redacted_url

pytestmark = pytest.mark.app


def test_config_prints_the_effective_settings_with_every_secret_masked(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    key_encryption_key = base64.b64encode(secrets.token_bytes(32)).decode()
    client_hash = hash_client_secret("s3cr3t-" + "x" * 40)
    monkeypatch.setenv("TESSERA_DATABASE_URL", "postgres://tessera:db-hunter2@db.internal:5432/auth?sslmode=require")
    monkeypatch.setenv("TESSERA_KEY_ENCRYPTION_KEY", key_encryption_key)
    monkeypatch.setenv("TESSERA_OAUTH_CLIENTS", f"orders:{client_hash}")
    monkeypatch.setenv("TESSERA_LEGACY_SESSIONS", "redis://:redis-hunter2@cache.internal:6379/0")
    monkeypatch.setenv("TESSERA_ISSUER", "https://auth.example.com")
    monkeypatch.setenv("TESSERA_ACCESS_TTL_SECONDS", "300")

    assert main(["config"]) == 0

    out = capsys.readouterr().out
    settings = dict(line.split(" = ", 1) for line in out.splitlines())
    assert settings["issuer"] == "https://auth.example.com" and settings["access_ttl"] == "300s"
    assert settings["database_url"] == "postgresql+asyncpg://tessera:***@db.internal:5432/auth?sslmode=require"
    assert settings["key_encryption_key"] == "***" and settings["oauth_clients"] == "orders:***"
    assert settings["legacy_bridge.store_url"] == "redis://:***@cache.internal:6379/0"
    for secret in (key_encryption_key, client_hash, "db-hunter2", "redis-hunter2"):
        assert secret not in out


def test_config_names_a_bad_setting_in_one_line_without_touching_a_database(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TESSERA_DATABASE_URL", "postgresql://nobody@127.0.0.1:1/none")
    monkeypatch.setenv("TESSERA_LEEWAY_SECONDS", "lots")

    assert main(["config"]) == 78

    assert capsys.readouterr().err.count("\n") == 1
    monkeypatch.delenv("TESSERA_LEEWAY_SECONDS")
    assert main(["config"]) == 0


def test_config_masks_passwords_and_tokens_given_as_url_query_parameters_and_keeps_the_rest_readable(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(
        "TESSERA_DATABASE_URL",
        "postgresql://tessera@db.internal:5432/auth?sslmode=verify-full&password=db-hunter2&application_name=tessera",
    )
    monkeypatch.setenv(
        "TESSERA_LEGACY_SESSIONS", "redis://cache.internal:6379/0?pass=redis-hunter2&db=2&sslpassword=key-hunter2"
    )
    monkeypatch.setenv("TESSERA_PASSWORD_RESET_URL", "https://app.example.com/reset?api_key=app-hunter2#token={token}")
    monkeypatch.setenv("TESSERA_SMTP_URL", "smtp://mailer%40example.com:smtp-hunter2@smtp.example.com:587")

    assert main(["config"]) == 0

    out = capsys.readouterr().out
    settings = dict(line.split(" = ", 1) for line in out.splitlines())
    assert settings["database_url"] == (
        "postgresql+asyncpg://tessera@db.internal:5432/auth?sslmode=verify-full&password=***&application_name=tessera"
    )
    assert settings["legacy_bridge.store_url"] == "redis://cache.internal:6379/0?pass=***&db=2&sslpassword=***"
    assert settings["mail.password_reset_url"] == "https://app.example.com/reset?api_key=***#token={token}"
    assert settings["mail.smtp"] == "smtp://mailer@example.com:***@smtp.example.com:587"
    assert settings["mail.sender"] == "tessera@localhost" and settings["mail.smtp_allow_plaintext_auth"] == "False"
    for secret in ("db-hunter2", "key-hunter2", "redis-hunter2", "app-hunter2", "smtp-hunter2"):
        assert secret not in out


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://u@h/d?Password=x1&PASSWD=x2", "postgresql://u@h/d?Password=***&PASSWD=***"),
        ("redis://h/0?auth_token=x1&client_secret=x2&key=x3", "redis://h/0?auth_token=***&client_secret=***&key=***"),
        ("postgresql://u@h/d?sslkey=/k.pem&sslcert=/c.pem", "postgresql://u@h/d?sslkey=/k.pem&sslcert=/c.pem"),
        ("https://h/cb#access_token=x1&state=s", "https://h/cb#access_token=***&state=s"),
        ("sqlite+aiosqlite:///tessera.db?password=x1", "sqlite+aiosqlite:///tessera.db?password=***"),
    ],
)
def test_a_secret_query_parameter_is_masked_whatever_its_case_or_place(url: str, shown: str) -> None:
    assert redacted_url(url) == shown
