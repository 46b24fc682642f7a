"""PostgreSQL URLs with libpq's `sslmode=`: asyncpg takes the mode as its `ssl` connect argument."""

import asyncio

import pytest
from sqlalchemy.engine import make_url

from adapters.sql.database import DatabaseUnreachable, database_config, pending_migrations
from adapters.sql.postgres_change_listener import PostgresChangeListener
from entrypoints.cli.main import main
from entrypoints.settings.environment import ConfigError
from entrypoints.settings.reader import settings_from_env

pytestmark = pytest.mark.app

URL = "postgresql+asyncpg://tessera:pw@db.internal/auth"


@pytest.mark.parametrize("mode", ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"])
def test_an_sslmode_becomes_asyncpgs_ssl_connect_argument(mode: str) -> None:
    config = database_config(f"{URL}?sslmode={mode}&application_name=tessera")

    assert config.engine_config.connect_args["ssl"] == mode
    connect_url = make_url(config.connection_string)
    assert dict(connect_url.query) == {"application_name": "tessera"} and connect_url.password == "pw"


def test_a_url_without_sslmode_passes_no_ssl_argument() -> None:
    assert "ssl" not in database_config(URL).engine_config.connect_args


def test_asyncpgs_own_ssl_parameter_is_read_as_sslmode() -> None:
    settings = settings_from_env({"TESSERA_DATABASE_URL": "postgres://tessera:pw@db.internal/auth?ssl=require"})
    assert make_url(settings.database_url).query == {"sslmode": "require"}


@pytest.mark.parametrize(
    ("query", "problem"),
    [
        ("sslmode=on", "sslmode must be one of"),
        ("sslrootcert=/ca.pem", "PGSSLROOTCERT"),
        ("ssl=require&sslmode=require", "both"),
    ],
)
def test_a_tls_parameter_tessera_cannot_honour_is_refused_naming_the_database_url(query: str, problem: str) -> None:
    with pytest.raises(ConfigError) as refused:
        settings_from_env({"TESSERA_DATABASE_URL": f"postgresql://tessera:hunter2@db.internal/auth?{query}"})
    assert refused.value.variable == "TESSERA_DATABASE_URL" and problem in str(refused.value)
    assert "hunter2" not in str(refused.value)


def _with_sslmode(url: str, mode: str) -> str:
    return make_url(url).update_query_dict({"sslmode": mode}).render_as_string(hide_password=False)


@pytest.mark.postgres
def test_sslmode_disable_connects_to_the_test_postgresql_and_require_is_refused_by_a_server_without_tls(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert pending_migrations(_with_sslmode(postgres_url, "disable")) is None
    monkeypatch.setenv("TESSERA_DATABASE_URL", _with_sslmode(postgres_url, "disable"))
    assert main(["users", "list"]) == 0

    with pytest.raises(DatabaseUnreachable):  # the throwaway cluster has no certificate: no TLS to require
        pending_migrations(_with_sslmode(postgres_url, "require"))


@pytest.mark.postgres
def test_the_change_listener_connects_with_sslmode_in_the_url(postgres_url: str) -> None:
    async def connects() -> None:
        listener = PostgresChangeListener(_with_sslmode(postgres_url, "disable"))
        await listener.start(lambda _changes: None)
        try:
            await asyncio.wait_for(listener.connected.wait(), timeout=10)
        finally:
            await listener.stop()

    asyncio.run(connects())
