"""TESSERA_LEGACY_*: the bridge is off unless the store is named; a bad value stops start-up, naming it."""

import importlib.util
from pathlib import Path

import pytest

from domain.legacy_sessions import UserLookup
from entrypoints.cli import exit_codes
from entrypoints.cli.main import main
from entrypoints.settings.environment import ConfigError
from entrypoints.settings.legacy import LegacyBridgeSettings, LegacyStoreKind
from entrypoints.settings.reader import settings_from_env

pytestmark = pytest.mark.app


def test_the_bridge_is_off_by_default() -> None:
    assert settings_from_env({}).legacy_bridge is None


def test_every_bridge_variable_is_read() -> None:
    settings = settings_from_env(
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


def test_a_refused_store_names_every_accepted_form() -> None:
    with pytest.raises(ConfigError) as refused:
        settings_from_env({"TESSERA_LEGACY_SESSIONS": "memcached://127.0.0.1"})
    for form in ("redis://", "file:///", "django-db+postgresql://", "django-file:///", "django-signed-cookies:"):
        assert form in str(refused.value)


def test_litestars_defaults_are_the_bridges_defaults(tmp_path: Path) -> None:
    bridge = settings_from_env({"TESSERA_LEGACY_SESSIONS": f"file://{tmp_path}"}).legacy_bridge
    assert bridge == LegacyBridgeSettings(f"file://{tmp_path}")
    assert (bridge.cookie_name, bridge.namespace, bridge.session_id_bytes) == ("session", "LITESTAR", 32)
    assert bridge.directory == tmp_path and not bridge.uses_redis
    assert (bridge.kind, bridge.user_lookup, bridge.user_key) == (LegacyStoreKind.LITESTAR_FILE, UserLookup.ID, None)


@pytest.fixture
def secret_file(tmp_path: Path) -> Path:
    path = tmp_path / "django-secret"
    path.write_text("django-insecure-not-a-real-key\nan-older-key\n")
    return path


@pytest.mark.parametrize(
    ("url", "kind", "cookie"),
    [
        ("django-db+postgresql://bridge:pw@db.internal:5432/app", LegacyStoreKind.DJANGO_DB, "sessionid"),
        ("django-cached-db+sqlite:////srv/app/db.sqlite3", LegacyStoreKind.DJANGO_CACHED_DB, "sessionid"),
        ("django-file:///var/tmp", LegacyStoreKind.DJANGO_FILE, "sessionid"),
        ("django-signed-cookies:", LegacyStoreKind.DJANGO_SIGNED_COOKIES, "sessionid"),
    ],
)
def test_each_django_backend_is_named_by_its_url_with_djangos_defaults(
    url: str, kind: LegacyStoreKind, cookie: str, secret_file: Path
) -> None:
    env = {"TESSERA_LEGACY_SESSIONS": url, "TESSERA_LEGACY_SECRET_FILE": str(secret_file)}
    bridge = settings_from_env(env).legacy_bridge
    assert bridge is not None
    assert (bridge.kind, bridge.cookie_name, bridge.user_lookup) == (kind, cookie, UserLookup.LEGACY_ID)
    assert (bridge.cookie_age, bridge.secret_file) == (1209600, secret_file)


def test_flasks_stores_are_named_by_url_with_flasks_defaults(secret_file: Path) -> None:
    cookie = settings_from_env(
        {"TESSERA_LEGACY_SESSIONS": "flask-cookie:", "TESSERA_LEGACY_SECRET_FILE": str(secret_file)}
    )
    assert cookie.legacy_bridge is not None
    assert (cookie.legacy_bridge.kind, cookie.legacy_bridge.cookie_name) == (LegacyStoreKind.FLASK_COOKIE, "session")
    assert (cookie.legacy_bridge.cookie_age, cookie.legacy_bridge.user_lookup) == (2678400, UserLookup.LEGACY_ID)
    redis = settings_from_env({"TESSERA_LEGACY_SESSIONS": "flask-session+redis://127.0.0.1:6379/0"}).legacy_bridge
    assert redis is not None and (redis.kind, redis.namespace, redis.secret_file) == (
        LegacyStoreKind.FLASK_SESSION_REDIS,
        "session:",
        None,
    )
    assert redis.inner_url == "redis://127.0.0.1:6379/0"


def test_djangos_database_url_gets_an_asyncio_driver(secret_file: Path) -> None:
    env = {
        "TESSERA_LEGACY_SESSIONS": "django-db+postgresql://u:pw@db:5432/app",
        "TESSERA_LEGACY_SECRET_FILE": str(secret_file),
    }
    bridge = settings_from_env(env).legacy_bridge
    assert bridge is not None and bridge.database_url == "postgresql+asyncpg://u:pw@db:5432/app"
    sqlite = LegacyBridgeSettings("django-db+sqlite:////srv/db.sqlite3")
    assert sqlite.database_url == "sqlite+aiosqlite:////srv/db.sqlite3"
    mysql = settings_from_env({**env, "TESSERA_LEGACY_SESSIONS": "django-db+mysql://u:pw@db:3306/app"}).legacy_bridge
    assert mysql is not None and mysql.database_url == "mysql+asyncmy://u:pw@db:3306/app"


def test_a_mysql_store_without_its_driver_is_refused_naming_the_extra_that_brings_it(
    secret_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *more: None if name == "asyncmy" else find_spec(name, *more)
    )
    env = {
        "TESSERA_LEGACY_SESSIONS": "django-db+mysql://u:pw@db:3306/app",
        "TESSERA_LEGACY_SECRET_FILE": str(secret_file),
    }
    with pytest.raises(ConfigError) as refused:
        settings_from_env(env)
    assert "tessera-auth[legacy-mysql]" in str(refused.value) and "pw" not in str(refused.value)


def test_the_django_file_prefix_is_the_cookie_name_unless_set(secret_file: Path) -> None:
    env = {
        "TESSERA_LEGACY_SESSIONS": "django-file:///var/tmp",
        "TESSERA_LEGACY_SECRET_FILE": str(secret_file),
        "TESSERA_LEGACY_COOKIE": "app_session",
    }
    bridge = settings_from_env(env).legacy_bridge
    assert bridge is not None and bridge.django_file_prefix == "app_session"
    prefixed = settings_from_env({**env, "TESSERA_LEGACY_FILE_PREFIX": "sess_"}).legacy_bridge
    assert prefixed is not None and prefixed.django_file_prefix == "sess_"


def test_a_django_store_without_its_secret_is_refused_naming_the_secret_variable() -> None:
    with pytest.raises(ConfigError) as refused:
        settings_from_env({"TESSERA_LEGACY_SESSIONS": "django-signed-cookies:"})
    assert refused.value.variable == "TESSERA_LEGACY_SECRET_FILE"


def test_an_unreadable_or_empty_secret_file_is_refused_without_echoing_it(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.write_text("\n")
    for path in (tmp_path / "missing", empty):
        with pytest.raises(ConfigError) as refused:
            settings_from_env(
                {"TESSERA_LEGACY_SESSIONS": "django-signed-cookies:", "TESSERA_LEGACY_SECRET_FILE": str(path)}
            )
        assert refused.value.variable == "TESSERA_LEGACY_SECRET_FILE"


def test_the_secret_never_appears_in_the_settings_or_tessera_config(secret_file: Path) -> None:
    from entrypoints.cli.show_config import effective_settings

    env = {
        "TESSERA_LEGACY_SESSIONS": "django-db+postgresql://u:pw@db/app",
        "TESSERA_LEGACY_SECRET_FILE": str(secret_file),
    }
    shown = "\n".join(effective_settings(settings_from_env(env)))
    assert "django-insecure" not in shown and "an-older-key" not in shown and ":pw@" not in shown
    assert f"legacy_bridge.secret_file = {secret_file}" in shown


def test_a_redis_namespace_of_none_means_bare_session_ids() -> None:
    env = {"TESSERA_LEGACY_SESSIONS": "redis://127.0.0.1", "TESSERA_LEGACY_NAMESPACE": "none"}
    bridge = settings_from_env(env).legacy_bridge
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
        ("TESSERA_LEGACY_USER_KEY", "auth..id", {"TESSERA_LEGACY_SESSIONS": "redis://127.0.0.1"}),
        ("TESSERA_LEGACY_SECRET_FILE", "/etc/hostname", {}),
        ("TESSERA_LEGACY_SECRET_FILE", "/etc/hostname", {"TESSERA_LEGACY_SESSIONS": "redis://127.0.0.1"}),
        ("TESSERA_LEGACY_SESSIONS", "django-db+oracle://db/app", {}),
        ("TESSERA_LEGACY_SESSIONS", "django-db+sqlite:///relative.db", {}),
        ("TESSERA_LEGACY_SESSIONS", "django-db:///nothing", {}),
        ("TESSERA_LEGACY_SESSIONS", "django-file://relative", {}),
        ("TESSERA_LEGACY_SESSIONS", "django-signed-cookies://x", {}),
        ("TESSERA_LEGACY_SESSIONS", "django-memcached://127.0.0.1", {}),
        ("TESSERA_LEGACY_SESSIONS", "flask-session+memcached://127.0.0.1", {}),
        ("TESSERA_LEGACY_SESSIONS", "flask-cookie://x", {}),
        ("TESSERA_LEGACY_SECRET_FILE", "", {"TESSERA_LEGACY_SESSIONS": "flask-cookie:"}),
        ("TESSERA_LEGACY_SESSION_AGE_SECONDS", "10", {"TESSERA_LEGACY_SESSIONS": "flask-cookie:"}),
        ("TESSERA_LEGACY_SESSION_AGE_SECONDS", "3600", {"TESSERA_LEGACY_SESSIONS": "redis://127.0.0.1"}),
        ("TESSERA_LEGACY_FILE_PREFIX", "sess_", {"TESSERA_LEGACY_SESSIONS": "redis://127.0.0.1"}),
        ("TESSERA_LEGACY_SESSION_ID_BYTES", "16", {"TESSERA_LEGACY_SESSIONS": "flask-cookie:"}),
        ("TESSERA_LEGACY_READ_ONLY", "true", {"TESSERA_LEGACY_SESSIONS": "flask-cookie:"}),
        ("TESSERA_LEGACY_READ_ONLY", "true", {"TESSERA_LEGACY_SESSIONS": "redis://127.0.0.1"}),
        ("TESSERA_LEGACY_READ_ONLY", "yes", {"TESSERA_LEGACY_SESSIONS": "redis://127.0.0.1"}),
        ("TESSERA_LEGACY_READ_ONLY", "true", {}),
    ],
)
def test_a_bad_bridge_value_is_refused_naming_its_variable(variable: str, value: str, extra: dict[str, str]) -> None:
    with pytest.raises(ConfigError) as refused:
        settings_from_env({**extra, variable: value})
    assert refused.value.variable == variable


def test_a_refused_redis_url_is_never_echoed() -> None:
    with pytest.raises(ConfigError) as refused:
        settings_from_env({"TESSERA_LEGACY_SESSIONS": "redis://:hunter2@127.0.0.1/db-one"})
    assert "hunter2" not in str(refused.value)


def test_the_cli_reports_a_bad_bridge_value_in_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TESSERA_LEGACY_SESSIONS", "memcached://127.0.0.1")
    assert main(["serve", "--port", "1"]) == exit_codes.CONFIG
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "TESSERA_LEGACY_SESSIONS" in err and "Traceback" not in err


def express_secrets(tmp_path: Path, text: str = "today's secret\nlast year's secret\n") -> str:
    path = tmp_path / "express-session-secrets"
    path.write_text(text)
    return str(path)


def test_an_express_bridge_defaults_to_express_sessions_and_connect_redis_names(tmp_path: Path) -> None:
    env = {
        "TESSERA_LEGACY_SESSIONS": "express+redis://:pw@cache.internal:6380/2",
        "TESSERA_LEGACY_SECRET_FILE": express_secrets(tmp_path),
    }
    bridge = settings_from_env(env).legacy_bridge
    assert bridge is not None and bridge.kind is LegacyStoreKind.EXPRESS_REDIS and bridge.uses_redis
    assert bridge.inner_url == "redis://:pw@cache.internal:6380/2"
    assert (bridge.cookie_name, bridge.namespace, bridge.user_key, bridge.user_lookup) == (
        "connect.sid",
        "sess:",
        None,
        UserLookup.LEGACY_ID,
    )


def test_every_express_bridge_variable_is_read(tmp_path: Path) -> None:
    env = {
        "TESSERA_LEGACY_SESSIONS": "express+rediss://cache.internal",
        "TESSERA_LEGACY_SECRET_FILE": express_secrets(tmp_path),
        "TESSERA_LEGACY_COOKIE": "app.sid",
        "TESSERA_LEGACY_NAMESPACE": "myapp:sess:",
        "TESSERA_LEGACY_USER_KEY": "auth.account.id",
        "TESSERA_LEGACY_USER_LOOKUP": "email",
    }
    bridge = settings_from_env(env).legacy_bridge
    assert bridge is not None
    assert (bridge.cookie_name, bridge.namespace, bridge.user_key, bridge.user_lookup) == (
        "app.sid",
        "myapp:sess:",
        "auth.account.id",
        UserLookup.EMAIL,
    )
    bare = settings_from_env({**env, "TESSERA_LEGACY_NAMESPACE": "none"}).legacy_bridge
    assert bare is not None and bare.namespace is None


def test_the_express_secrets_are_read_in_order_blank_lines_skipped(tmp_path: Path) -> None:
    from adapters.legacy.express_sessions import secrets_of

    text = "today's secret\n\n  last year's, spaces kept  \r\n"
    assert secrets_of(text) == (b"today's secret", b"  last year's, spaces kept  ")
    with pytest.raises(ValueError, match="no secret"):
        secrets_of("\n \n")


@pytest.mark.parametrize(
    ("variable", "value", "extra"),
    [
        ("TESSERA_LEGACY_SESSIONS", "express+file:///tmp", {}),
        ("TESSERA_LEGACY_SESSIONS", "express+redis://", {}),
        ("TESSERA_LEGACY_SESSIONS", "express://127.0.0.1", {}),
        ("TESSERA_LEGACY_SECRET_FILE", "/nonexistent", {"TESSERA_LEGACY_SESSIONS": "express+redis://127.0.0.1"}),
        ("TESSERA_LEGACY_SESSION_ID_BYTES", "24", {"TESSERA_LEGACY_SESSIONS": "express+redis://127.0.0.1"}),
        ("TESSERA_LEGACY_SESSION_AGE_SECONDS", "600", {"TESSERA_LEGACY_SESSIONS": "express+redis://127.0.0.1"}),
        ("TESSERA_LEGACY_FILE_PREFIX", "sess_", {"TESSERA_LEGACY_SESSIONS": "express+redis://127.0.0.1"}),
    ],
)
def test_a_bad_express_bridge_value_is_refused_naming_its_variable(
    tmp_path: Path, variable: str, value: str, extra: dict[str, str]
) -> None:
    env = {**extra, variable: value}
    if extra:
        env.setdefault("TESSERA_LEGACY_SECRET_FILE", express_secrets(tmp_path))
    with pytest.raises(ConfigError) as refused:
        settings_from_env(env)
    assert refused.value.variable == variable


def test_serve_exits_78_naming_the_missing_express_secret_file(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TESSERA_LEGACY_SESSIONS", "express+redis://127.0.0.1")
    assert main(["serve", "--port", "1"]) == exit_codes.CONFIG
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "TESSERA_LEGACY_SECRET_FILE" in err and "express-session" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("framework", ["flask", "django"])
def test_a_whitespace_only_line_of_the_secret_file_is_no_signing_key(framework: str, tmp_path: Path) -> None:
    """A stray line of spaces in the secret file would otherwise be a fallback key anyone can guess:
    a cookie signed with it must be refused as forged."""
    from django.core import signing
    from flask import Flask
    from litestar.testing import TestClient
    from prometheus_client import REGISTRY

    from adapters.legacy.django_signing import SIGNED_COOKIES_SALT
    from entrypoints.http.app import create_app
    from tests.support.django_sessions import django_settings
    from tests.support.http import settings_for_tests

    secret_file = tmp_path / "secret"
    secret_file.write_text("a-real-secret-key-of-the-legacy-app\n  \n")
    if framework == "flask":
        flask = Flask(__name__)
        flask.config["SECRET_KEY"] = "  "
        cookie = flask.session_interface.get_signing_serializer(flask).dumps({"_user_id": "7"})  # type: ignore[attr-defined]
        bridge = LegacyBridgeSettings("flask-cookie:", secret_file=secret_file)
    else:
        with django_settings("  "):
            cookie = signing.dumps({"_auth_user_id": "7"}, salt=SIGNED_COOKIES_SALT, compress=True)
        bridge = LegacyBridgeSettings("django-signed-cookies:", secret_file=secret_file)
    app = create_app(settings_for_tests("memory://", tmp_path, legacy_bridge=bridge))

    def forged() -> float:
        return REGISTRY.get_sample_value("tessera_legacy_session_exchanges_total", {"outcome": "bad_signature"}) or 0.0

    before = forged()
    with TestClient(app) as client:
        answer = client.post(
            "/auth/session/exchange", json={"legacy_session_id": cookie}, headers={"X-Requested-With": "tessera"}
        )
    assert answer.status_code == 401
    assert forged() == before + 1


def test_a_django_database_store_may_be_read_only_and_is_written_to_by_default(secret_file: Path) -> None:
    env = {
        "TESSERA_LEGACY_SESSIONS": "django-db+sqlite:////srv/db.sqlite3",
        "TESSERA_LEGACY_SECRET_FILE": str(secret_file),
    }
    deleting = settings_from_env(env).legacy_bridge
    reading = settings_from_env({**env, "TESSERA_LEGACY_READ_ONLY": "true"}).legacy_bridge
    assert deleting is not None and not deleting.read_only
    assert reading is not None and reading.read_only
