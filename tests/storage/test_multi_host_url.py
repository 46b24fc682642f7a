"""A multi-host PostgreSQL URL (SQLAlchemy's `?host=h1:p1&host=h2:p2`, with libpq's
`target_session_attrs=read-write`) reaches both the pool and the change listener with every host:
the alternative to HAProxy in docs/deployment.md §10."""

import pytest
from asyncpg import connect_utils

from adapters.sql.database import database_config
from adapters.sql.postgres_change_listener import libpq_dsn
from entrypoints.settings.reader import settings_from_env

pytestmark = pytest.mark.app

MULTI_HOST = "postgresql://tessera:p%40ss@/auth?host=db1:5432&host=db2:5433&target_session_attrs=read-write"


def _as_asyncpg_reads(dsn: str) -> tuple[list[tuple[str, int]], str]:
    addresses, parameters = connect_utils._parse_connect_dsn_and_args(  # asyncpg's own DSN reading
        dsn=dsn, host=None, port=None, user=None, password=None, passfile=None, database=None, ssl=None,
        direct_tls=None, server_settings=None, target_session_attrs=None, krbsrvname=None, gsslib=None,
        service=None, servicefile=None,
    )  # fmt: skip
    return addresses, str(parameters.target_session_attrs.value)


def test_the_pool_connects_to_every_host_of_a_multi_host_url_asking_for_a_writable_one() -> None:
    url = settings_from_env({"TESSERA_DATABASE_URL": MULTI_HOST}).database_url
    engine = database_config(url).get_engine()

    _, arguments = engine.dialect.create_connect_args(engine.url)
    assert (arguments["host"], arguments["port"]) == (["db1", "db2"], [5432, 5433])
    assert arguments["target_session_attrs"] == "read-write"


def test_the_change_listener_tries_every_host_of_a_multi_host_url_not_only_the_last() -> None:
    url = settings_from_env({"TESSERA_DATABASE_URL": MULTI_HOST}).database_url

    assert _as_asyncpg_reads(libpq_dsn(url)) == ([("db1", 5432), ("db2", 5433)], "read-write")


def test_a_single_host_url_reaches_the_listener_as_given() -> None:
    url = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres?sslmode=disable"

    assert libpq_dsn(url) == "postgresql://postgres@127.0.0.1:5432/postgres?sslmode=disable"
