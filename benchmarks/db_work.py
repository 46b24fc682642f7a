"""What the database does for one operation, read from PostgreSQL's own counters (issue 23, target 5).

A throwaway cluster with `pg_stat_statements` loaded (statements and transaction control counted as the
server runs them, `track=top`: a trigger's or a foreign key check's inner queries are part of the
statement that fired them), `synchronous_commit=on` as in production (each committing write transaction
then writes and flushes the WAL once), autovacuum off (it would write on its own schedule). One
`tessera serve --workers 1` on it; many distinct users registered over HTTP; then each operation run
`operations` times, one after another, over distinct users and sessions, by HTTP as a client sends them.

Around each operation the harness reads PostgreSQL's counters (`benchmarks/db_counters.py`): the calls of
tessera's statements, rows inserted, updated (HOT among them) and deleted by table, the WAL position, and
the WAL writes. The server's background work does not stop (the poll every second that reads the
revocations and user changes, the pool's ping of a connection idle for a second, the LISTEN connection):
it is measured alone first, for `BACKGROUND_SECONDS`, shown as its own row per second, and its rate times
each window's length subtracted from that window. Statements and the WAL position are read as soon as
the last request has answered; PostgreSQL 15 publishes a backend's table and WAL counters only once it
has idled a moment (at most `pg_stat`'s 10 s idle interval), so those are read `SETTLE_SECONDS` later."""

import contextlib
import json
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.db_counters import delta, per_operation, prepare_reader, snapshot
from benchmarks.servers import db_upgrade, tessera, tessera_env
from benchmarks.tessera_setup import PASSWORD, post

OPERATIONS = 200
BACKGROUND_SECONDS = 10.0
SETTLE_SECONDS = 11.0

SETTINGS = {
    "shared_preload_libraries": "pg_stat_statements",
    "pg_stat_statements.track": "top",
    "pg_stat_statements.track_utility": "on",
    "pg_stat_statements.max": "5000",
    "synchronous_commit": "on",
    "autovacuum": "off",
    "checkpoint_timeout": "1d",
    "max_wal_size": "10GB",
}


def db_work(work: Path, operations: int = OPERATIONS) -> dict[str, Any]:
    from tests.support.pg_cluster import local_cluster

    with local_cluster(SETTINGS) as cluster:
        # Registration is the setup, not a measured path: one address registers every user.
        env = {**tessera_env(work, cluster.url), "TESSERA_REGISTRATION_MAX_PER_ADDRESS": "1000000"}
        db_upgrade(env)
        reader = prepare_reader(cluster.url)
        with tessera(work, env, "db-work") as (base, _):
            users = _register(base, operations)
            time.sleep(SETTLE_SECONDS)
            first = snapshot(reader)
            time.sleep(BACKGROUND_SECONDS)
            quiet = snapshot(reader)
            background = delta(first, quiet, quiet)
            phases = _operations(base, {})
            measured, before = {}, quiet
            for name, (prepare, act) in phases.items():
                if prepare is not None:
                    for email in users:
                        prepare(email)
                    time.sleep(SETTLE_SECONDS)
                    before = snapshot(reader)
                for email in users:
                    act(email)
                done = snapshot(reader)
                time.sleep(SETTLE_SECONDS)
                settled = snapshot(reader)
                measured[name] = per_operation(delta(before, done, settled), background, operations)
                before = settled
    return {
        "operations": operations,
        "background": per_operation(background, None, background["seconds"]),
        "background_seconds": background["seconds"],
        "by_operation": measured,
    }


Act = Callable[[str], object]


def _operations(base: str, sessions: dict[str, dict[str, Any]]) -> dict[str, tuple[Act | None, Act]]:
    """Each operation as one user's client sends it, after what must come first (None: nothing new);
    `sessions` holds each user's latest token pair."""

    def log_in(email: str) -> None:
        sessions[email] = _log_in(base, email)

    def refresh(email: str) -> None:
        sessions[email] = _refresh(base, sessions[email])

    def bearer(method: str, path: str) -> Act:
        return lambda email: _bearer(base, method, path, sessions[email])

    return {
        "login": (None, log_in),
        "refresh": (None, refresh),
        "profile miss": (None, bearer("GET", "/api/user/profile")),
        "logout": (None, bearer("POST", "/auth/logout")),
        "logout everywhere": (log_in, bearer("POST", "/auth/logout-all")),  # a new session, logged out at once
    }


def _register(base: str, count: int) -> list[str]:
    emails = [f"db-work-{index}@example.com" for index in range(count)]
    for email in emails:
        post(base, "/auth/register", {"email": email, "password": PASSWORD})
    return emails


def _log_in(base: str, email: str) -> dict[str, Any]:
    return post(base, "/auth/login", {"email": email, "password": PASSWORD})


def _refresh(base: str, pair: dict[str, Any]) -> dict[str, Any]:
    return post(base, "/auth/refresh", {"refresh_token": pair["refresh_token"]})


def _bearer(base: str, method: str, path: str, pair: dict[str, Any]) -> None:
    request = urllib.request.Request(
        base + path, headers={"Authorization": f"Bearer {pair['access_token']}"}, method=method, data=None
    )
    with urllib.request.urlopen(request, timeout=60) as answer:
        answer.read()
        if answer.status not in (200, 204):
            raise RuntimeError(f"{method} {path} answered {answer.status}")


if __name__ == "__main__":  # a quick look: python -m benchmarks.db_work [operations]
    import sys
    import tempfile

    with tempfile.TemporaryDirectory(prefix="tessera-db-work-") as folder, contextlib.suppress(KeyboardInterrupt):
        print(json.dumps(db_work(Path(folder), int(sys.argv[1]) if len(sys.argv) > 1 else 20), indent=1))
