"""The refresh rows of docs/performance.md (issue 12): the targets, the runs by store and worker count,
and where one refresh's time goes, before the one-step rotation and now."""

from typing import Any

from benchmarks.refresh import variant_name
from benchmarks.report_common import Row, median, say
from benchmarks.throughput import CONNECTIONS

TARGET_RPS, TARGET_P99_MS = 1_000, 100.0
CORES = 2

BEFORE = {
    "commit": "e4e9403",
    "postgres": {
        "round_trips": 9.0,
        "total_ms": 6.366,
        "database_ms": 1.806,
        "sqlalchemy_ms": 3.042,
        "signing_ms": 0.482,
        "rest_ms": 1.036,
    },
    "sqlite": {
        "round_trips": 9.0,
        "total_ms": 7.814,
        "database_ms": 2.912,
        "sqlalchemy_ms": 3.357,
        "signing_ms": 0.493,
        "rest_ms": 1.085,
    },
}
"""A measurement, not a target: `benchmarks/refresh_breakdown.py` (400 refreshes) run on the code before
the one-step rotation, commit e4e9403 (the ORM path: a pre-ping, then find the token, get the session,
spend, insert the successor, read the user, touch the session), on this machine on 2026-11-30, the
median of 3 runs alternated with the code after; written here by hand from that run, since that code
is gone from the tree. The harness did not read the process's CPU then (a dash in the report), and counted
round trips as it does now (that code ran every statement in a transaction)."""


def targets(result: dict[str, Any]) -> list[Row]:
    return [_target(result, "postgres", 2, "PostgreSQL"), _target(result, "sqlite", 1, "SQLite (the default store)")]


def _target(result: dict[str, Any], backend: str, workers: int, store: str) -> Row:
    runs = result["runs"][variant_name(backend, workers)]
    rate, p99, errors = median(runs, "requests_per_s"), median(runs, "p99_ms"), sum(r["errors"] for r in runs)
    database_cpu = median(runs, "postgres_cpu_ms") if backend == "postgres" else 0.0
    cpu = median(runs, "server_cpu_ms") + database_cpu
    # Each worker is one Python process: it cannot use more than a core, whatever the machine has.
    ceiling = min(CORES * 1e3 / cpu, workers * 1e3 / median(runs, "server_cpu_ms")) if cpu else 0.0
    met = rate >= TARGET_RPS and p99 <= TARGET_P99_MS and errors == 0
    split = result["breakdown"].get(backend, {})
    reason = (
        f"one refresh costs {cpu:.2f} ms of CPU across tessera and the database, so {workers} worker(s) on "
        f"{CORES} cores, shared with wrk, cannot pass {ceiling:,.0f}/s; tessera's part is the request (uvicorn, "
        "its access log, Litestar, dishka, the JSON), the RS256 signature"
        + (f" ({split['signing_ms']:.2f} ms in process)" if split else "")
        + ", SQLAlchemy and the driver, and the audit log line (see the breakdown)"
        + (_sqlite_ceiling(split) if backend == "sqlite" else _postgres_next(rate, p99, runs))
    )
    return Row(
        f"Refresh on {store}, `tessera serve --workers {workers}`, 32 clients, {result['sessions']:,} sessions in "
        f"turn: ≥ {TARGET_RPS:,}/s, p99 ≤ {TARGET_P99_MS:.0f} ms, 0 errors",
        f"{rate:,.0f}/s, p99 {p99:.0f} ms, {errors} errors",
        f"CPU per refresh: {median(runs, 'server_cpu_ms'):.2f} ms in tessera"
        + (f", {database_cpu:.2f} ms in PostgreSQL" if backend == "postgres" else " (SQLite runs inside it)"),
        say(met, reason),
    )


def _sqlite_ceiling(split: dict[str, float]) -> str:
    """SQLite's own limits: one process, one writer, and the time each refresh holds the one connection."""
    held = split.get("database_ms", 0.0) + split.get("sqlalchemy_ms", 0.0)
    return (
        "; SQLite's ceiling: it lives in one process (one worker, one core) and has one writer, so each process "
        "keeps one connection and refreshes take it in turn"
        + (
            f"; each holds it {held:.2f} ms in process ({split['round_trips']:.0f} round trips, each a hop to "
            f"aiosqlite's thread and back), at most {1e3 / held:,.0f}/s whatever the cores"
            if held
            else ""
        )
    )


def _postgres_next(rate: float, p99: float, runs: list[dict[str, Any]]) -> str:
    """Why the tail, if it is the miss, and the next lever."""
    tail = ""
    if p99 > TARGET_P99_MS and rate:
        tail = (
            f"; the tail: wrk counts a request slower than twice the mean ({CONNECTIONS / rate * 1e3:.0f} ms at "
            f"{rate:,.0f}/s) once more for each further mean it lasted, so p99 is the few slowest requests' (p50 "
            f"{median(runs, 'p50_ms'):.0f} ms). Timed one by one (issue 23), those were statements that stalled "
            "0.6 to 2 s now and then, with 4 or 15 connections a worker, their cause not found yet (not the "
            "statement's execution as PostgreSQL logs it, nor a new connection, autovacuum or a checkpoint); "
            "with 15, also event loops preempted by PostgreSQL's 30 processes (up to 120 ms)"
        )
    return (
        tail + "; next levers: ES256 or EdDSA signatures (TESSERA_SIGNING_ALG; RS256 stays the default) and the "
        "audit line's hand-off to the log thread"
    )


def section(result: dict[str, Any]) -> list[str]:
    lines = [
        "## Refresh",
        "",
        f"{result['sessions']:,} users, each with one session and a live refresh token, written straight into the "
        "store for each run; each wrk thread (`benchmarks/refresh.py`) rotates the token at the front of its queue "
        "and puts the successor it receives at the back, so every request rotates a live token of another "
        "session. PostgreSQL: a throwaway local cluster (`tests/support/pg_cluster.py`, fsync off). SQLite: a file, "
        "WAL, `synchronous=FULL`. What one refresh does: parse the body, spend the token, store its successor, "
        "touch the session and read the user (on PostgreSQL one statement, committed by itself: one round trip; "
        "on SQLite four in one transaction), sign an RS256 access token, write the audit event (a log line). "
        "PostgreSQL's CPU counts its server processes that ended during the run too. Each worker keeps "
        "`TESSERA_DATABASE_POOL_SIZE` connections to PostgreSQL (4, the default). p50 and p99 are wrk's: it counts "
        "a request slower than twice the mean once more for each further mean it lasted (its correction for "
        "coordinated omission), so a few stalls weigh on p99.",
        "",
        "| Store, workers | req/s | per round | p50 ms | p99 ms | errors | tessera CPU ms | PostgreSQL CPU ms |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, runs in result["runs"].items():
        rounds = ", ".join(f"{r['requests_per_s']:,.0f}" for r in runs)
        lines.append(
            f"| {name} | {median(runs, 'requests_per_s'):,.0f} | {rounds} | {median(runs, 'p50_ms'):.1f} | "
            f"{median(runs, 'p99_ms'):.1f} | {sum(r['errors'] for r in runs)} | {median(runs, 'server_cpu_ms'):.2f} | "
            f"{median(runs, 'postgres_cpu_ms'):.2f} |"
        )
    return [*lines, "", *_breakdown(result["breakdown"])]


def _breakdown(now: dict[str, dict[str, float]]) -> list[str]:
    lines = [
        "### Where one refresh's time goes",
        "",
        "In process, one refresh after another, with the served code path's own objects "
        "(`benchmarks/refresh_breakdown.py`): round trips to the database (statements, BEGIN, COMMIT, the pool's "
        "pre-ping), the wall time awaiting the driver and the database, the rest of SQLAlchemy (ORM, compilation, "
        f"the pool), the RS256 signature, and the rest (the use case, the container); and the CPU the process "
        f"spent, all threads. *Before*: commit {BEFORE['commit']}, the same harness.",
        "",
        "| Store | | round trips | total ms | database ms | SQLAlchemy ms | signing ms | rest ms | CPU ms |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for store, after in now.items():
        before = BEFORE.get(store) or {}
        for label, figures in (("before", before), ("now", after)):
            if figures:
                lines.append(
                    f"| {store} | {label} | {figures['round_trips']:.0f} | {figures['total_ms']:.2f} | "
                    f"{figures['database_ms']:.2f} | {figures['sqlalchemy_ms']:.2f} | {figures['signing_ms']:.2f} | "
                    f"{figures['rest_ms']:.2f} | {_ms(figures.get('cpu_ms'))} |"
                )
    return lines


def _ms(value: float | None) -> str:
    """A figure, or a dash where the harness of that commit did not measure it."""
    return "–" if value is None else f"{value:.2f}"
