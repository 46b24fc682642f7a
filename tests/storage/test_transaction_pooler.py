"""A PostgreSQL URL naming a transaction pooler (`?pooler=pgbouncer`) turns asyncpg's and SQLAlchemy's
statement caches off, and needs TESSERA_LISTEN_DATABASE_URL, PostgreSQL itself, for LISTEN. (A real
pgbouncer runs under tessera in tests/replicas/test_pgbouncer.py.)"""

import pytest
from sqlalchemy.engine import make_url

from adapters.sql.database import database_config
from adapters.sql.postgres_pooler import STATEMENTS_IN_TRANSACTIONS, statements_on_their_own
from entrypoints.ioc.container import storage_provider
from entrypoints.settings.environment import ConfigError
from entrypoints.settings.reader import settings_from_env

pytestmark = pytest.mark.app

POOLED = "postgresql://tessera:hunter2@pgbouncer.internal:6432/auth?pooler=pgbouncer"
DIRECT = "postgresql://tessera:hunter2@db.internal:5432/auth"


def test_a_pooled_url_turns_both_statement_caches_off_and_reaches_the_driver_without_the_pooler_parameter() -> None:
    config = database_config(f"{POOLED}&sslmode=require")

    arguments = config.engine_config.connect_args
    assert arguments["statement_cache_size"] == 0 and arguments["prepared_statement_cache_size"] == 0
    assert arguments["ssl"] == "require"
    assert dict(make_url(config.connection_string).query) == {}


def test_a_direct_url_keeps_the_statement_caches() -> None:
    arguments = database_config(DIRECT).engine_config.connect_args
    assert "statement_cache_size" not in arguments and "prepared_statement_cache_size" not in arguments


def test_behind_a_pooler_no_statement_runs_on_its_own_and_directly_the_rotation_may() -> None:
    # asyncpg prepares and executes in two round trips: outside a transaction, a pooler may hand each to
    # another server connection, where the statement is unknown.
    assert database_config(POOLED).engine_config.execution_options == {STATEMENTS_IN_TRANSACTIONS: True}
    assert not database_config(DIRECT).engine_config.execution_options


def test_the_engines_behind_a_pooler_send_no_statement_on_its_own_and_direct_ones_may() -> None:
    # One rule for the rotation and for the blocks declared `without_transaction` (logout, login's reads).
    asyncpg = "postgresql+asyncpg://"
    assert not statements_on_their_own(
        database_config(POOLED.replace("postgresql://", asyncpg)).get_engine().sync_engine
    )
    assert statements_on_their_own(database_config(DIRECT.replace("postgresql://", asyncpg)).get_engine().sync_engine)
    assert not statements_on_their_own(database_config("sqlite+aiosqlite:///tessera.db").get_engine().sync_engine)


def test_a_pooled_database_url_with_a_direct_listen_url_is_accepted_and_the_listener_uses_the_direct_one() -> None:
    settings = settings_from_env({"TESSERA_DATABASE_URL": POOLED, "TESSERA_LISTEN_DATABASE_URL": DIRECT})

    assert make_url(settings.database_url).query == {"pooler": "pgbouncer"}
    assert make_url(settings.listen_database_url or "").host == "db.internal"
    assert storage_provider(settings)._listen_url == settings.listen_database_url  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("environment", "variable", "problem"),
    [
        ({"TESSERA_DATABASE_URL": POOLED}, "TESSERA_LISTEN_DATABASE_URL", "must be set"),
        (
            {"TESSERA_DATABASE_URL": POOLED, "TESSERA_LISTEN_DATABASE_URL": POOLED},
            "TESSERA_LISTEN_DATABASE_URL",
            "not a transaction pooler",
        ),
        (
            {"TESSERA_DATABASE_URL": "sqlite:///tessera.db", "TESSERA_LISTEN_DATABASE_URL": DIRECT},
            "TESSERA_LISTEN_DATABASE_URL",
            "PostgreSQL",
        ),
        ({"TESSERA_DATABASE_URL": DIRECT.replace("/auth", "/auth?pooler=odyssey")}, "TESSERA_DATABASE_URL", "pooler"),
    ],
)
def test_a_pooler_setting_tessera_cannot_honour_is_refused_naming_its_variable(
    environment: dict[str, str], variable: str, problem: str
) -> None:
    with pytest.raises(ConfigError) as refused:
        settings_from_env(environment)
    assert refused.value.variable == variable and problem in str(refused.value)
    assert "hunter2" not in str(refused.value)
