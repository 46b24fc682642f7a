"""PostgreSQL's own counters, read by a role of the harness's own (its reads are not counted): the calls,
rows and pages dirtied of tessera's statements (`pg_stat_statements`), rows written by table
(`pg_stat_user_tables`), the WAL position and WAL writes (`pg_stat_wal`); their difference over a
window, less the background's rate, per operation."""

import asyncio
import time
from typing import Any

import asyncpg

READER = "db_work_reader"
TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "START TRANSACTION", "SAVEPOINT", "RELEASE")

Snapshot = dict[str, Any]


def prepare_reader(url: str) -> str:
    """pg_stat_statements in tessera's database, and a role of the harness's own that reads every statistic."""

    async def run() -> None:
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


def snapshot(reader: str) -> Snapshot:
    """Every counter now, and when (`time.monotonic`)."""

    async def run() -> Snapshot:
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


def delta(before: Snapshot, after: Snapshot, settled: Snapshot) -> dict[str, Any]:
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


def per_operation(delta: dict[str, Any], background: dict[str, Any] | None, count: float) -> dict[str, Any]:
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
