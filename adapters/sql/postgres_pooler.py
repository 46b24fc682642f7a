"""A PostgreSQL URL that names a transaction pooler: `?pooler=pgbouncer` (pgbouncer's
`pool_mode = transaction`, or any pooler that hands a server connection to a client for one
transaction at a time).

asyncpg prepares every statement under a name of its own (`__asyncpg_stmt_N__`) and keeps it for the
connection's life; SQLAlchemy keeps a cache of those prepared statements too. Behind a transaction
pooler the next transaction runs on another server connection, where the name is unknown (or taken by
another client's), so both caches are turned off: each statement is then prepared unnamed and run in
the transaction that prepared it (SQLAlchemy's asyncpg dialect opens one around every statement,
pings included). pgbouncer 1.21's `max_prepared_statements` would keep the caches on; Debian 12 ships
1.18. The cost: a Parse and Describe on each statement (docs/deployment.md §10).

LISTEN cannot go through a transaction pooler (the server connection that listens is handed to other
clients between transactions, and notifications are lost), so a pooled URL needs
`TESSERA_LISTEN_DATABASE_URL`, PostgreSQL itself, for the change listener."""

from typing import Any

from sqlalchemy.engine import URL, Engine, make_url

POOLERS = ("pgbouncer",)
PARAMETER = "pooler"
STATEMENTS_IN_TRANSACTIONS = "tessera_statements_in_transactions"
"""An engine execution option, set behind a pooler: no statement runs on its own (autocommit). A prepared
statement's Parse and its Execute are two round trips; only inside a transaction are both sure to reach
the same server connection."""


class InvalidPoolerParameter(ValueError):
    """A `pooler=` tessera does not know; the message never repeats the URL (it may hold a password)."""


def checked_pooler(url: str) -> str:
    """The URL as given, once its `pooler=` (if any) is one tessera knows."""
    pooler = make_url(url).query.get(PARAMETER)
    if pooler is not None and pooler not in POOLERS:
        raise InvalidPoolerParameter(f"pooler must be {' or '.join(POOLERS)} (a transaction pooler), or absent")
    return url


def is_pooled(url: str) -> bool:
    return make_url(url).query.get(PARAMETER) is not None


def pooled_connect_args(url: URL) -> tuple[URL, dict[str, Any]]:
    """The URL without `pooler`, and the connect arguments that turn both statement caches off."""
    if url.query.get(PARAMETER) is None:
        return url, {}
    return url.difference_update_query([PARAMETER]), {"statement_cache_size": 0, "prepared_statement_cache_size": 0}


def pooled_execution_options(connect_args: dict[str, Any]) -> dict[str, Any]:
    """The engine's execution options for these connect arguments: behind a pooler, statements in transactions."""
    return {STATEMENTS_IN_TRANSACTIONS: True} if connect_args else {}


def statements_on_their_own(engine: Engine) -> bool:
    """Whether a statement atomic by itself may run without BEGIN and COMMIT (autocommit): on PostgreSQL,
    unless behind a transaction pooler. SQLite keeps its transactions: its writers take the write lock with
    BEGIN IMMEDIATE, and its round trips stay in the process."""
    return engine.dialect.name == "postgresql" and not engine.get_execution_options().get(
        STATEMENTS_IN_TRANSACTIONS, False
    )
