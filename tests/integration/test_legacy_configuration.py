"""TESSERA_LEGACY_*: the bridge is off unless the store is named; a bad value stops start-up, naming it."""

from pathlib import Path

import pytest

from domain.legacy_sessions import UserLookup
from entrypoints import exit_codes
from entrypoints.cli import main
from entrypoints.config import Settings
from entrypoints.environment import ConfigError
from entrypoints.legacy_settings import LegacyBridgeSettings


def test_the_bridge_is_off_by_default() -> None:
    assert Settings.from_env({}).legacy_bridge is None


def test_every_bridge_variable_is_read() -> None:
    settings = Settings.from_env(
        {
            "TESSERA_LEGACY_SESSIONS": "redis://:secret@cache.internal:6380/2",
            "TESSERA_LEGACY_COOKIE": "app-session",
            "TESSERA_LEGACY_NAMESPACE": "LITESTAR_sessions",
            "TESSERA_LEGACY_USER_KEY": "email",
            "TESSERA_LEGACY_USER_LOOKUP": "email",
            "TESSERA_LEGACY_SESSION_ID_BYTES": "16",
        }
    )
    assert settings.legacy_bridge == LegacyBridgeSettings(
        "redis://:secret@cache.internal:6380/2", "app-session", "LITESTAR_sessions", "email", UserLookup.EMAIL, 16
    )


def test_litestars_defaults_are_the_bridges_defaults(tmp_path: Path) -> None:
    bridge = Settings.from_env({"TESSERA_LEGACY_SESSIONS": f"file://{tmp_path}"}).legacy_bridge
    assert bridge == LegacyBridgeSettings(f"file://{tmp_path}")
    assert (bridge.cookie, bridge.namespace, bridge.session_id_bytes) == ("session", "LITESTAR", 32)
    assert bridge.directory == tmp_path and not bridge.uses_redis


def test_a_redis_namespace_of_none_means_bare_session_ids() -> None:
    env = {"TESSERA_LEGACY_SESSIONS": "redis://127.0.0.1", "TESSERA_LEGACY_NAMESPACE": "none"}
    bridge = Settings.from_env(env).legacy_bridge
    assert bridge is not None and bridge.namespace is None


@pytest.mark.parametrize(
    ("variable", "value", "extra"),
    [
        ("TESSERA_LEGACY_SESSIONS", "memcached://127.0.0.1", {}),
        ("TESSERA_LEGACY_SESSIONS", "redis://", {}),
        ("TESSERA_LEGACY_SESSIONS", "redis://127.0.0.1/zero", {}),
        ("TESSERA_LEGACY_SESSIONS", "redis://127.0.0.1:99999", {}),
        ("TESSERA_LEGACY_SESSIONS", "file://relative/path", {}),
        ("TESSERA_LEGACY_SESSIONS", "file:///etc/hostname", {}),
        ("TESSERA_LEGACY_COOKIE", "my session", {"TESSERA_LEGACY_SESSIONS": "redis://127.0.0.1"}),
        ("TESSERA_LEGACY_NAMESPACE", "LITESTAR", {"TESSERA_LEGACY_SESSIONS": "file:///tmp"}),
        ("TESSERA_LEGACY_USER_LOOKUP", "username", {"TESSERA_LEGACY_SESSIONS": "redis://127.0.0.1"}),
        ("TESSERA_LEGACY_SESSION_ID_BYTES", "4", {"TESSERA_LEGACY_SESSIONS": "redis://127.0.0.1"}),
        ("TESSERA_LEGACY_COOKIE", "session", {}),
        ("TESSERA_LEGACY_USER_KEY", "email", {}),
    ],
)
def test_a_bad_bridge_value_is_refused_naming_its_variable(variable: str, value: str, extra: dict[str, str]) -> None:
    with pytest.raises(ConfigError) as refused:
        Settings.from_env({**extra, variable: value})
    assert refused.value.variable == variable


def test_a_refused_redis_url_is_never_echoed() -> None:
    with pytest.raises(ConfigError) as refused:
        Settings.from_env({"TESSERA_LEGACY_SESSIONS": "redis://:hunter2@127.0.0.1/db-one"})
    assert "hunter2" not in str(refused.value)


def test_the_cli_reports_a_bad_bridge_value_in_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TESSERA_LEGACY_SESSIONS", "memcached://127.0.0.1")
    assert main(["serve", "--port", "1"]) == exit_codes.CONFIG
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "TESSERA_LEGACY_SESSIONS" in err and "Traceback" not in err


def secrets_file(tmp_path: Path, text: str = "today's secret\nlast year's secret\n") -> str:
    path = tmp_path / "express-session-secrets"
    path.write_text(text)
    return str(path)


def test_an_express_bridge_reads_its_secrets_in_order_and_defaults_to_express_sessions_names(tmp_path: Path) -> None:
    env = {
        "TESSERA_LEGACY_SESSIONS": "express+redis://:pw@cache.internal:6380/2",
        "TESSERA_LEGACY_SECRETS_FILE": secrets_file(tmp_path, "today's secret\n\nlast year's secret\r\n"),
    }
    bridge = Settings.from_env(env).legacy_bridge
    assert bridge is not None and bridge.framework == "express" and bridge.uses_redis
    assert bridge.store == "redis://:pw@cache.internal:6380/2"
    assert bridge.secrets == (b"today's secret", b"last year's secret")
    assert (bridge.cookie, bridge.key_prefix, bridge.user_key) == ("connect.sid", "sess:", None)
    assert "secret" not in repr(bridge)


def test_every_express_bridge_variable_is_read(tmp_path: Path) -> None:
    env = {
        "TESSERA_LEGACY_SESSIONS": "express+rediss://cache.internal",
        "TESSERA_LEGACY_SECRETS_FILE": secrets_file(tmp_path),
        "TESSERA_LEGACY_COOKIE": "app.sid",
        "TESSERA_LEGACY_KEY_PREFIX": "myapp:sess:",
        "TESSERA_LEGACY_USER_KEY": "auth.account.id",
        "TESSERA_LEGACY_USER_LOOKUP": "legacy_id",
    }
    bridge = Settings.from_env(env).legacy_bridge
    assert bridge is not None
    assert (bridge.cookie, bridge.key_prefix, bridge.user_key, bridge.user_lookup) == (
        "app.sid",
        "myapp:sess:",
        "auth.account.id",
        UserLookup.LEGACY_ID,
    )
    no_prefix = Settings.from_env({**env, "TESSERA_LEGACY_KEY_PREFIX": "none"}).legacy_bridge
    assert no_prefix is not None and no_prefix.key_prefix == ""


@pytest.mark.parametrize(
    ("variable", "value", "extra"),
    [
        ("TESSERA_LEGACY_SESSIONS", "express+file:///tmp", {}),
        ("TESSERA_LEGACY_SESSIONS", "django+redis://127.0.0.1", {}),
        ("TESSERA_LEGACY_SESSIONS", "express+redis://", {}),
        ("TESSERA_LEGACY_SECRETS_FILE", "", {"TESSERA_LEGACY_SESSIONS": "express+redis://127.0.0.1"}),
        ("TESSERA_LEGACY_SECRETS_FILE", "/nonexistent", {"TESSERA_LEGACY_SESSIONS": "express+redis://127.0.0.1"}),
        ("TESSERA_LEGACY_NAMESPACE", "sess", {"TESSERA_LEGACY_SESSIONS": "express+redis://127.0.0.1"}),
        ("TESSERA_LEGACY_SESSION_ID_BYTES", "24", {"TESSERA_LEGACY_SESSIONS": "express+redis://127.0.0.1"}),
        ("TESSERA_LEGACY_KEY_PREFIX", "sess:", {"TESSERA_LEGACY_SESSIONS": "redis://127.0.0.1"}),
        ("TESSERA_LEGACY_SECRETS_FILE", "/run/secrets/s", {"TESSERA_LEGACY_SESSIONS": "redis://127.0.0.1"}),
        ("TESSERA_LEGACY_SECRETS_FILE", "/run/secrets/s", {}),
        ("TESSERA_LEGACY_KEY_PREFIX", "sess:", {}),
    ],
)
def test_a_bad_express_bridge_value_is_refused_naming_its_variable(
    tmp_path: Path, variable: str, value: str, extra: dict[str, str]
) -> None:
    env = {**extra, variable: value}
    if variable != "TESSERA_LEGACY_SECRETS_FILE" and extra.get("TESSERA_LEGACY_SESSIONS", "").startswith("express"):
        env.setdefault("TESSERA_LEGACY_SECRETS_FILE", secrets_file(tmp_path))
    with pytest.raises(ConfigError) as refused:
        Settings.from_env(env)
    assert refused.value.variable == variable


@pytest.mark.parametrize("content", [b"", b"\n \n", b"\xff\xfe not utf-8"], ids=["empty", "blank", "not UTF-8"])
def test_a_secrets_file_without_a_secret_is_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "secrets"
    path.write_bytes(content)
    env = {"TESSERA_LEGACY_SESSIONS": "express+redis://127.0.0.1", "TESSERA_LEGACY_SECRETS_FILE": str(path)}
    with pytest.raises(ConfigError) as refused:
        Settings.from_env(env)
    assert refused.value.variable == "TESSERA_LEGACY_SECRETS_FILE"


def test_serve_exits_78_naming_a_missing_secrets_file(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TESSERA_LEGACY_SESSIONS", "express+redis://127.0.0.1")
    assert main(["serve", "--port", "1"]) == exit_codes.CONFIG
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "TESSERA_LEGACY_SECRETS_FILE" in err and "Traceback" not in err
