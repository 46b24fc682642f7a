"""Configuration comes from TESSERA_* variables; a bad value names the variable and stops start-up."""

import socket
from datetime import timedelta
from pathlib import Path

import pytest

from deploy.ports import free_port
from domain.throttling import ThrottlePolicy
from entrypoints.cli import exit_codes
from entrypoints.cli.main import main
from entrypoints.settings.config import Settings
from entrypoints.settings.environment import ConfigError
from entrypoints.settings.reader import settings_from_env

pytestmark = pytest.mark.app


def test_defaults_serve_sqlite_in_the_working_directory_with_rs256() -> None:
    settings = settings_from_env({})
    assert settings.database_url == "sqlite+aiosqlite:///tessera.db"
    assert settings.signing_alg == "RS256"
    assert settings.access_ttl == timedelta(minutes=15)
    assert settings.refresh_ttl == timedelta(days=14)
    assert settings.signing_key_file is None


def test_every_documented_variable_is_read() -> None:
    settings = settings_from_env(
        {
            "TESSERA_DATABASE_URL": "postgresql://tessera@db.internal/tessera",
            "TESSERA_ISSUER": "https://auth.example.com",
            "TESSERA_AUDIENCE": "api.example.com",
            "TESSERA_ACCESS_TTL_SECONDS": "300",
            "TESSERA_REFRESH_TTL_SECONDS": "86400",
            "TESSERA_SIGNING_ALG": "ES256",
            "TESSERA_SIGNING_KEY_FILE": "/run/secrets/tessera.pem",
        }
    )
    assert settings.database_url == "postgresql+asyncpg://tessera@db.internal/tessera"
    assert (settings.issuer, settings.audience) == ("https://auth.example.com", "api.example.com")
    assert settings.access_ttl == timedelta(seconds=300)
    assert settings.refresh_ttl == timedelta(days=1)
    assert settings.signing_alg == "ES256"
    assert settings.signing_key_file == Path("/run/secrets/tessera.pem")


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("TESSERA_ACCESS_TTL_SECONDS", "fifteen"),
        ("TESSERA_ACCESS_TTL_SECONDS", "-5"),
        ("TESSERA_REFRESH_TTL_SECONDS", "0"),
        ("TESSERA_SIGNING_ALG", "HS256"),
        ("TESSERA_SIGNING_ALG", "none"),
        ("TESSERA_DATABASE_URL", "mysql://somewhere/db"),
        ("TESSERA_LEEWAY_SECONDS", "120"),
        ("TESSERA_FORWARDED_ALLOW_IPS", "10.0.0.0/8, not-an-ip"),
        ("TESSERA_REVOCATION_LOOKBACK_SECONDS", "2"),
        ("TESSERA_KEY_ENCRYPTION_KEY", "c2hvcnQ="),
        ("TESSERA_SCHEMA_PAGES", "yes"),
        ("TESSERA_DATABASE_POOL_SIZE", "0"),
        ("TESSERA_DATABASE_POOL_SIZE", "101"),
        ("TESSERA_DATABASE_POOL_SIZE", "four"),
    ],
)
def test_a_bad_value_is_refused_naming_its_variable(variable: str, value: str) -> None:
    with pytest.raises(ConfigError) as refused:
        settings_from_env({variable: value})
    assert refused.value.variable == variable
    assert str(refused.value).startswith(variable + ": ")


def test_a_refresh_lifetime_not_longer_than_the_access_lifetime_is_refused() -> None:
    with pytest.raises(ConfigError, match="TESSERA_REFRESH_TTL_SECONDS"):
        settings_from_env({"TESSERA_ACCESS_TTL_SECONDS": "3600", "TESSERA_REFRESH_TTL_SECONDS": "600"})


def test_an_account_limit_one_address_could_reach_alone_is_refused() -> None:
    with pytest.raises(ConfigError, match="TESSERA_LOGIN_MAX_FAILURES_PER_ACCOUNT: must be more than twice"):
        settings_from_env({"TESSERA_LOGIN_MAX_FAILURES_PER_ACCOUNT": "10"})
    settings = settings_from_env(
        {"TESSERA_LOGIN_MAX_FAILURES_PER_ACCOUNT": "10", "TESSERA_LOGIN_MAX_FAILURES_PER_ACCOUNT_ADDRESS": "4"}
    )
    assert (settings.login_max_failures_per_account, settings.login_max_failures_per_account_address) == (10, 4)


def test_the_registration_limit_is_read_from_the_environment() -> None:
    settings = settings_from_env(
        {"TESSERA_REGISTRATION_MAX_PER_ADDRESS": "3", "TESSERA_REGISTRATION_WINDOW_SECONDS": "60"}
    )
    policy = settings.throttle_policy()
    assert (policy.max_registrations_per_address, policy.registration_window) == (3, timedelta(minutes=1))


def test_each_worker_keeps_4_database_connections_unless_told_otherwise() -> None:
    assert settings_from_env({}).database_pool_size == 4
    assert settings_from_env({"TESSERA_DATABASE_POOL_SIZE": "12"}).database_pool_size == 12


def test_the_password_reset_limit_per_address_is_read_from_the_environment() -> None:
    policy = settings_from_env({"TESSERA_PASSWORD_RESET_MAX_PER_ADDRESS": "4"}).throttle_policy()
    assert policy.max_password_resets_per_address == 4
    assert ThrottlePolicy().max_password_resets_per_address == 10


@pytest.mark.parametrize("value", ["9100", "localhost", ":9100", "127.0.0.1:0", "127.0.0.1:70000", "::1:9100", "a b:1"])
def test_a_bad_metrics_address_stops_serving_in_one_line(
    value: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TESSERA_METRICS_ADDRESS", value)
    assert main(["serve"]) == exit_codes.CONFIG
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "TESSERA_METRICS_ADDRESS: must be host:port" in err


def test_a_metrics_address_that_cannot_be_bound_stops_serving_in_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        monkeypatch.chdir(tmp_path)
        monkeypatch.setenv("TESSERA_DATABASE_URL", "memory://")
        monkeypatch.setenv("TESSERA_METRICS_ADDRESS", f"127.0.0.1:{taken.getsockname()[1]}")
        assert main(["serve", "--port", str(free_port())]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "cannot listen for metrics on 127.0.0.1:" in err and "in use" in err


def test_a_metrics_address_is_a_host_and_a_port() -> None:
    assert Settings().metrics_address is None
    assert settings_from_env({"TESSERA_METRICS_ADDRESS": "10.0.0.5:9100"}).metrics_address == ("10.0.0.5", 9100)
    assert settings_from_env({"TESSERA_METRICS_ADDRESS": "[::1]:9100"}).metrics_address == ("::1", 9100)


def test_the_cli_reports_a_bad_value_in_one_line_without_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TESSERA_ACCESS_TTL_SECONDS", "soon")
    assert main(["db", "check"]) == exit_codes.CONFIG
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "TESSERA_ACCESS_TTL_SECONDS" in err and "Traceback" not in err


def test_the_cli_reports_a_missing_key_file_in_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setenv("TESSERA_DATABASE_URL", "memory://")
    monkeypatch.setenv("TESSERA_SIGNING_KEY_FILE", str(tmp_path / "missing.pem"))
    monkeypatch.setenv("TESSERA_ISSUER", "https://auth.example.com")  # else a warning that it is unset comes first
    assert main(["serve", "--port", "1"]) == exit_codes.CONFIG
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "missing.pem" in err and "TESSERA_SIGNING_KEY_FILE" in err


def test_the_cli_refuses_to_serve_an_unmigrated_database(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setenv("TESSERA_DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    assert main(["serve", "--port", "1"]) == exit_codes.CONFIG
    assert "tessera db upgrade" in capsys.readouterr().err


def test_db_upgrade_then_check_reports_an_up_to_date_schema(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TESSERA_DATABASE_URL", f"sqlite:///{tmp_path / 'nested' / 'tessera.db'}")
    assert main(["db", "check"]) == exit_codes.UNAVAILABLE  # no folder: nothing to open
    assert main(["db", "upgrade"]) == 0
    assert main(["db", "check"]) == 0
    monkeypatch.setenv("TESSERA_DATABASE_URL", f"sqlite:///{tmp_path / 'nested' / 'empty.db'}")
    assert main(["db", "check"]) == exit_codes.REFUSED
    assert main(["db", "upgrade"]) == 0
    assert main(["db", "check"]) == 0


def test_session_lifetimes_default_to_30_days_and_12_hours_and_are_read_from_the_environment() -> None:
    assert (Settings().session_max_age, Settings().short_session_max_age) == (timedelta(days=30), timedelta(hours=12))
    settings = settings_from_env(
        {"TESSERA_SESSION_MAX_AGE_SECONDS": "86400", "TESSERA_SESSION_SHORT_MAX_AGE_SECONDS": "3600"}
    )
    policy = settings.token_policy()
    assert (policy.session_max_age, policy.short_session_max_age) == (timedelta(days=1), timedelta(hours=1))


def test_a_short_session_lifetime_longer_than_the_remembered_one_is_refused() -> None:
    with pytest.raises(ConfigError, match="TESSERA_SESSION_SHORT_MAX_AGE_SECONDS: must be at most"):
        settings_from_env({"TESSERA_SESSION_MAX_AGE_SECONDS": "3600", "TESSERA_SESSION_SHORT_MAX_AGE_SECONDS": "7200"})


def test_mail_settings_are_read_from_the_environment_and_the_smtp_password_never_shown() -> None:
    assert settings_from_env({}).mail.smtp is None
    mail = settings_from_env(
        {
            "TESSERA_SMTP_URL": "smtps://mailer%40example.com:s3cr%3At@smtp.example.com",
            "TESSERA_MAIL_FROM": "accounts@example.com",
            "TESSERA_PASSWORD_RESET_URL": "https://app.example.com/reset?token={token}",
        }
    ).mail
    assert mail.smtp is not None
    assert (mail.smtp.host, mail.smtp.port, mail.smtp.implicit_tls) == ("smtp.example.com", 465, True)
    assert (mail.smtp.username, mail.smtp.password) == ("mailer@example.com", "s3cr:t")
    assert "s3cr" not in repr(mail)
    assert mail.reset_link_template().link("abc") == "https://app.example.com/reset?token=abc"
    plain = settings_from_env({"TESSERA_SMTP_URL": "smtp://127.0.0.1:2525"}).mail.smtp
    assert plain is not None and (plain.port, plain.implicit_tls, plain.username) == (2525, False, None)


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("TESSERA_SMTP_URL", "http://smtp.example.com"),
        ("TESSERA_SMTP_URL", "smtp://"),
        ("TESSERA_SMTP_URL", "smtp://host:notaport"),
        ("TESSERA_PASSWORD_RESET_URL", "https://app.example.com/reset"),
        ("TESSERA_MAIL_FROM", "nobody"),
        ("TESSERA_SMTP_ALLOW_PLAINTEXT_AUTH", "yes"),
    ],
)
def test_a_bad_mail_setting_is_refused_naming_its_variable_without_its_value(variable: str, value: str) -> None:
    with pytest.raises(ConfigError) as refused:
        settings_from_env({variable: value})
    assert refused.value.variable == variable
    assert "notaport" not in str(refused.value)
