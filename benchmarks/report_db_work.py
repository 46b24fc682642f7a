"""The database's side of one operation in docs/performance.md (issue 23, target 5): PostgreSQL's own
counts beside Keycloak's published sizing, and each operation against the fewest that keep its guarantees."""

import re
from typing import Any, NamedTuple

from benchmarks.report_common import Row, say

KEYCLOAK_WRITE_IOPS = 14
KEYCLOAK_SOURCE = "https://www.keycloak.org/high-availability/single-cluster/concepts-memory-and-cpu-sizing"
"""Keycloak's high-availability guide, *Concepts for sizing CPU and memory resources*: a 1,400 write IOPS
budget per 100 login, logout or refresh requests a second (sessions in the database, Aurora PostgreSQL),
so about 14 per request. Its figure counts storage writes, WAL and data pages together."""


class Floor(NamedTuple):
    """The fewest an operation needs and keep its guarantees: round trips (statements, and BEGIN, COMMIT or
    ROLLBACK where more than one statement must be atomic: one statement alone is atomic and as durable,
    and under READ COMMITTED each statement reads a snapshot of its own inside a transaction too), rows
    written, WAL writes (committing write transactions)."""

    round_trips: float
    rows_written: float
    wal_writes: float
    does: str
    why: str


FLOORS = {
    "login": Floor(
        8,
        2,
        1,
        "`POST /auth/login` of a user with no failed logins: the right password (argon2 at the bench's cheap "
        "parameters, which count nothing here)",
        "the account and its throttle counts read before the password check (2 statements; no transaction held "
        "across argon2), then one write transaction: BEGIN, the account locked so that a password change waits "
        "for it, its (account, network) failures cleared, the session and its refresh token inserted, COMMIT",
    ),
    "refresh": Floor(
        1,
        3,
        1,
        "`POST /auth/refresh` of a live token of another session each time",
        "one statement that spends the token, inserts its successor, touches the session and reads the user: "
        "the spent token, its successor and the session's last use",
    ),
    "profile miss": Floor(
        1,
        0,
        0,
        "`GET /api/user/profile` of a user this process never served (the cache misses)",
        "one read by primary key; nothing written",
    ),
    "logout": Floor(
        1,
        1,
        1,
        "`POST /auth/logout` with the session's access token",
        "one conditional UPDATE of the session (the trigger's NOTIFY is sent when it commits)",
    ),
    "logout everywhere": Floor(
        1,
        1,
        1,
        "`POST /auth/logout-all` of a user with one live session",
        "one UPDATE of the user's live sessions: a row per live session",
    ),
}
LEVER = (
    "a unit of work is a transaction unless declared `without_transaction` (`UnitOfWork.without_transaction`: "
    "on PostgreSQL its statements go in autocommit, without BEGIN and COMMIT or ROLLBACK), which login's reads, "
    "logout, logout everywhere and the background poll are; the next lever is the same for the profile miss "
    "(one read) and for the common refresh (one statement; a transaction opened only when it falls back to "
    "judging the token in full)"
)
SLACK = 0.1
"""Figures are averages with the background's rate subtracted by time: a tenth either way is that noise."""


def targets(result: dict[str, Any]) -> list[Row]:
    by_operation = result["by_operation"]
    over = {name: _over(name, figures) for name, figures in by_operation.items() if name in FLOORS}
    measured = "; ".join(
        f"{name}: {f['statements']:.1f} statements, {f['round_trips']:.1f} round trips, "
        f"{f['rows_written']:.1f} rows, {f['wal_bytes']:,.0f} B WAL, {f['wal_writes']:.1f} WAL writes"
        for name, f in by_operation.items()
    )
    missed = "; ".join(f"{name}: {reason}" for name, reason in over.items() if reason)
    return [
        Row(
            "The database's side of one login, refresh, logout and profile miss on PostgreSQL (statements, round "
            "trips, rows written, WAL bytes from its own counters), beside Keycloak's ~14 write IOPS per login, "
            "logout or refresh; the fewest that keep the guarantees",
            measured,
            f"{result['operations']} of each over distinct users, one after another, the background's rate "
            f"subtracted. Writes: at most {_most(by_operation, 'wal_writes'):.2f} WAL write and "
            f"{_most(by_operation, 'blocks_dirtied'):.2f} data pages dirtied an operation, where Keycloak's "
            f"high-availability sizing guide budgets ~{KEYCLOAK_WRITE_IOPS} write IOPS a login, logout or refresh",
            say(not missed, f"above the fewest: {missed}; {LEVER}"),
        )
    ]


def _most(by_operation: dict[str, dict[str, Any]], field: str) -> float:
    return max((figures[field] for figures in by_operation.values()), default=0.0)


def _over(name: str, figures: dict[str, float]) -> str:
    floor = FLOORS[name]
    excess = [
        f"{figures[field]:.2f} {label} where {getattr(floor, field):g} would do"
        for field, label in (("round_trips", "round trips"), ("rows_written", "rows"), ("wal_writes", "WAL writes"))
        if figures[field] > getattr(floor, field) + SLACK
    ]
    return ", ".join(excess)


def section(result: dict[str, Any]) -> list[str]:
    background = result["background"]
    lines = [
        "## The database's side of each operation (PostgreSQL)",
        "",
        f"`benchmarks/db_work.py`: a throwaway PostgreSQL with `pg_stat_statements` (top-level statements; "
        "BEGIN, COMMIT and ROLLBACK counted as the server runs them), `synchronous_commit=on`, autovacuum off; "
        f"`tessera serve --workers 1` on it; {result['operations']} distinct users registered over HTTP, then each "
        "operation sent once per user (each refresh, logout and profile read its own session's token), one after "
        "another, as a client sends them. Read before and after each operation from PostgreSQL's own counters: "
        "statements and round trips (`pg_stat_statements` calls: every statement and transaction-control "
        "command a client sent; a statement's first use on a connection adds a Parse that is not counted, asyncpg "
        "then keeps it prepared), rows written (`pg_stat_user_tables`: inserted + updated + deleted; HOT updates, "
        "which touch no index, among them), WAL bytes (`pg_current_wal_lsn()` moved; the cluster runs with "
        "`full_page_writes=off` and `fsync=off`, so no page images: in production the first change to a page after "
        "each checkpoint adds that page's image), WAL writes "
        "(`pg_stat_wal.wal_write`: with `synchronous_commit=on` each committing write transaction writes and "
        "flushes the WAL once; these are the write IOPS a commit waits for; data pages are written later by the "
        "checkpointer, many changes a page) and data pages dirtied (`pg_stat_statements`). The server's background "
        f"work runs on and is measured alone first ({result['background_seconds']:.0f} s; its row is per second); "
        "its rate over each window is subtracted.",
        "",
        f"Keycloak's figure, from its [high-availability sizing guide]({KEYCLOAK_SOURCE}): a budget of 1,400 write "
        f"IOPS per 100 login, logout or refresh requests a second, about **{KEYCLOAK_WRITE_IOPS} write IOPS a "
        "request** (user sessions stored in the database, Aurora PostgreSQL); it counts storage writes of every "
        "kind, so the nearest figure here is the WAL writes plus a share of the pages dirtied.",
        "",
        "| Operation | What one does | statements | round trips | transactions | rows written (HOT) | WAL bytes | "
        "WAL writes | pages dirtied | Keycloak write IOPS | fewest that keep the guarantees |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, figures in result["by_operation"].items():
        floor = FLOORS.get(name)
        keycloak = f"~{KEYCLOAK_WRITE_IOPS}" if name in ("login", "refresh", "logout") else "—"
        lines.append(f"| {name} | {floor.does if floor else ''} | {_figures(figures)} | {keycloak} | {_floor(floor)} |")
    lines.append(
        f"| background, per second | the poll of revocations and user changes (every second), the pool's ping of "
        f"a connection idle ≥ 1 s, the LISTEN connection | {_figures(background)} | — | — |"
    )
    lines += [
        "",
        f"Above the fewest: {LEVER}.",
        "",
        "What each operation sends, per operation (the statement's text normalised by PostgreSQL, cut):",
        "",
    ]
    for name, figures in result["by_operation"].items():
        lines += [f"*{name}*:", "", "| calls | rows | statement |", "|---|---|---|"]
        lines += [
            f"| {s['calls']:.2f} | {s['rows']:.2f} | `{_short(s['query'])}` |"
            for s in figures["list"]
            if s["calls"] >= 0.05
        ]
        lines.append("")
    return lines


def _figures(f: dict[str, Any]) -> str:
    return (
        f"{f['statements']:.2f} | {f['round_trips']:.2f} | {f['transactions']:.2f} | "
        f"{f['rows_written']:.2f} ({f['hot_updates']:.2f}) | {f['wal_bytes']:,.0f} | {f['wal_writes']:.2f} | "
        f"{f['blocks_dirtied']:.2f}"
    )


def _floor(floor: Floor | None) -> str:
    if floor is None:
        return ""
    counts = ((floor.round_trips, "round trip"), (floor.rows_written, "row"), (floor.wal_writes, "WAL write"))
    return ", ".join(f"{count:g} {noun}{'' if count == 1 else 's'}" for count, noun in counts) + f": {floor.why}"


def _short(query: str, limit: int = 150) -> str:
    """Long column lists folded (`SELECT … FROM`, `INSERT INTO t (…) VALUES (…)`), then cut."""
    query = re.sub(r"^SELECT .{40,}? FROM ", "SELECT … FROM ", query)
    query = re.sub(r"\(([^()]{40,})\)", "(…)", query)
    query = re.sub(r" RETURNING .{40,}$", " RETURNING …", query)
    query = query.replace("|", "\\|").replace("`", "'")
    return query if len(query) <= limit else query[: limit - 1] + "…"
