"""What the database does for one operation, read from PostgreSQL's own counters (issue 23, target 5).

A throwaway cluster with `pg_stat_statements` loaded (statements and transaction control counted as the
server runs them, `track=top`: a trigger's or a foreign key check's inner queries are part of the
statement that fired them), `synchronous_commit=on` as in production (each committing write transaction
then writes and flushes the WAL once), autovacuum off (it would write on its own schedule). One
`tessera serve --workers 1` on it; many distinct users registered over HTTP; then each operation run
`operations` times, one after another, over distinct users and sessions, by HTTP as a client sends them.

Around each operation the harness reads, as a role of its own (its reads are not counted): the calls of
tessera's statements, rows inserted, updated (HOT among them) and deleted by table, the WAL position, and
the WAL writes. The server's background work does not stop (the poll every second that reads the
revocations and user changes, the LISTEN connection): it is measured alone first, for `BACKGROUND_SECONDS`,
shown as its own row per second, and its rate times each window's length subtracted from that window.
PostgreSQL 15 publishes a backend's table and WAL counters when it has been idle a moment (at most
`pg_stat`'s 10 s idle interval), so every reading waits `SETTLE_SECONDS` after the last request first."""

import asyncio
import contextlib
import json
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.servers import db_upgrade, tessera, tessera_env
from benchmarks.tessera_setup import PASSWORD, post

OPERATIONS = 200
BACKGROUND_SECONDS = 10.0
SETTLE_SECONDS = 11.0
READER = "db_work_reader"

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
TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "START TRANSACTION", "SAVEPOINT", "RELEASE")

Snapshot = dict[str, Any]


def db_work(work: Path, operations: int = OPERATIONS) -> dict[str, Any]:
    from tests.support.pg_cluster import local_cluster

    with local_cluster(SETTINGS) as cluster:
        # Registration is the setup, not a measured path: one address registers every user.
        env = {**tessera_env(work, cluster.url), "TESSERA_REGISTRATION_MAX_PER_ADDRESS": "1000000"}
        db_upgrade(env)
        reader = _prepare(cluster.url)
        with tessera(work, env, "db-work") as (base, _):
            users = _register(base, operations)
            time.sleep(SETTLE_SECONDS)
            first = _snapshot(reader)
            time.sleep(BACKGROUND_SECONDS)
            quiet = _snapshot(reader)
            background = _delta(first, quiet, quiet)
            sessions: dict[str, dict[str, Any]] = {}
            phases = {
                "login": (None, lambda: _each(users, lambda email: sessions.update({email: _log_in(base, email)}))),
                "refresh": (
                    None,
                    lambda: _each(users, lambda email: sessions.update({email: _refresh(base, sessions[email])})),
                ),
                "profile miss": (
                    None,
                    lambda: _each(users, lambda email: _bearer(base, "GET", "/api/user/profile", sessions[email])),
                ),
                "logout": (
                    None,
                    lambda: _each(users, lambda email: _bearer(base, "POST", "/auth/logout", sessions[email])),
                ),
                "logout everywhere": (
                    lambda: _each(users, lambda email: sessions.update({email: _log_in(base, email)})),
                    lambda: _each(users, lambda email: _bearer(base, "POST", "/auth/logout-all", sessions[email])),
                ),
            }
            measured, before = {}, quiet
            for name, (prepare, run) in phases.items():
                if prepare is not None:
                    prepare()
                    time.sleep(SETTLE_SECONDS)
                    before = _snapshot(reader)
                run()
                done = _snapshot(reader)
                time.sleep(SETTLE_SECONDS)
                settled = _snapshot(reader)
                measured[name] = _per_operation(_delta(before, done, settled), background, operations)
                before = settled
    return {
        "operations": operations,
        "background": _per_operation(background, None, background["seconds"]),
        "background_seconds": background["seconds"],
        "by_operation": measured,
    }


def _each(users: list[str], act: Callable[[str], object]) -> None:
    for email in users:
        act(email)


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


def _prepare(url: str) -> str:
    """pg_stat_statements in tessera's database, and a role of the harness's own that reads every statistic."""

    async def run() -> None:
        import asyncpg

        connection = await asyncpg.connect(url)
        try:
            await connection.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
            await connection.execute(f"CREATE ROLE {READER} LOGIN")
            await connection.execute(f"GRANT pg_read_all_stats TO {READER}")
            await connection.execute("SELECT pg_stat_statements_reset()")
        finally:
            await connection.close()

    asyncio.run(run())
    return url.replace("postgresql://postgres@", f"postgresql://{READER}@")


def _snapshot(reader: str) -> Snapshot:
    async def run() -> Snapshot:
        import asyncpg

        connection = await asyncpg.connect(reader)
        try:
            statements = await connection.fetch(
                "SELECT queryid, query, calls, rows, shared_blks_dirtied FROM pg_stat_statements "
                "WHERE userid = 'postgres'::regrole AND dbid = (SELECT oid FROM pg_database WHERE datname = 'postgres')"
            )
            tables = await connection.fetch(
                "SELECT relname, n_tup_ins, n_tup_upd, n_tup_del, n_tup_hot_upd FROM pg_stat_user_tables"
            )
            wal = await connection.fetchrow(
                "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint AS position, wal_records, wal_write "
                "FROM pg_stat_wal"
            )
        finally:
            await connection.close()
        return {
            "at": time.monotonic(),
            "statements": {
                row["queryid"]: (row["query"], row["calls"], row["rows"], row["shared_blks_dirtied"])
                for row in statements
            },
            "tables": {row["relname"]: tuple(row[1:]) for row in tables},
            "wal": (wal["position"], wal["wal_records"], wal["wal_write"]),
        }

    return asyncio.run(run())


def _delta(before: Snapshot, after: Snapshot, settled: Snapshot) -> dict[str, Any]:
    """Statements and the WAL position from `before` to `after` (published at once); table and WAL
    counters from `before` to `settled` (published once the backends idled)."""
    statements = {}
    for queryid, (query, calls, rows, dirtied) in after["statements"].items():
        _, calls0, rows0, dirtied0 = before["statements"].get(queryid, (query, 0, 0, 0))
        if calls > calls0:
            statements[queryid] = (query, calls - calls0, rows - rows0, dirtied - dirtied0)
    tables = {}
    for name, counts in settled["tables"].items():
        earlier = before["tables"].get(name, (0, 0, 0, 0))
        changed = tuple(now - then for now, then in zip(counts, earlier, strict=True))
        if any(changed):
            tables[name] = changed
    wal = (
        after["wal"][0] - before["wal"][0],
        *(now - then for now, then in zip(settled["wal"][1:], before["wal"][1:], strict=True)),
    )
    return {
        "seconds": after["at"] - before["at"],
        "settled_seconds": settled["at"] - before["at"],
        "statements": statements,
        "tables": tables,
        "wal": wal,
    }


def _per_operation(delta: dict[str, Any], background: dict[str, Any] | None, count: float) -> dict[str, Any]:
    """`delta` less the background's rate over as long a window, divided by `count`."""
    share = 0.0 if background is None else delta["seconds"] / background["seconds"]
    settled_share = 0.0 if background is None else delta["settled_seconds"] / background["seconds"]

    def less(value: float, quiet: float, over: float | None = None) -> float:
        return max(0.0, value - quiet * (share if over is None else over)) / count

    statements = []
    for queryid, (query, calls, rows, dirtied) in delta["statements"].items():
        quiet = (background or {}).get("statements", {}).get(queryid, (query, 0, 0, 0))
        calls_each = less(calls, quiet[1])
        if calls_each >= 0.005:
            statements.append(
                {
                    "query": " ".join(query.split()),
                    "calls": calls_each,
                    "rows": less(rows, quiet[2]),
                    "dirtied": less(dirtied, quiet[3]),
                }
            )
    statements.sort(key=lambda statement: -statement["calls"])
    quiet_tables = (background or {}).get("tables", {})
    tables = {
        name: [
            less(value, quiet, settled_share)
            for value, quiet in zip(counts, quiet_tables.get(name, (0, 0, 0, 0)), strict=True)
        ]
        for name, counts in delta["tables"].items()
    }
    quiet_wal = (background or {}).get("wal", (0, 0, 0))
    wal_bytes = less(delta["wal"][0], quiet_wal[0])
    wal_records, wal_writes = (less(v, q, settled_share) for v, q in zip(delta["wal"][1:], quiet_wal[1:], strict=True))
    control = [s for s in statements if s["query"].upper().startswith(TRANSACTION_CONTROL)]
    return {
        "statements": sum(s["calls"] for s in statements) - sum(s["calls"] for s in control),
        "round_trips": sum(s["calls"] for s in statements),
        "transactions": sum(s["calls"] for s in control if s["query"].upper().startswith(("COMMIT", "ROLLBACK"))),
        "rows_written": sum(ins + upd + dele for ins, upd, dele, _ in tables.values()),
        "hot_updates": sum(hot for *_, hot in tables.values()),
        "tables": {
            name: dict(zip(("inserted", "updated", "deleted", "hot"), v, strict=True)) for name, v in tables.items()
        },
        "wal_bytes": wal_bytes,
        "wal_records": wal_records,
        "wal_writes": wal_writes,
        "blocks_dirtied": sum(s["dirtied"] for s in statements),
        "list": statements,
    }


if __name__ == "__main__":  # a quick look: python -m benchmarks.db_work [operations]
    import sys
    import tempfile

    with tempfile.TemporaryDirectory(prefix="tessera-db-work-") as folder, contextlib.suppress(KeyboardInterrupt):
        print(json.dumps(db_work(Path(folder), int(sys.argv[1]) if len(sys.argv) > 1 else 20), indent=1))
