"""The profile route's targets (issue 23): its first pass over 20,000 users on a freshly started server,
every request a miss, and its rate once every user was seen, both against the bare app sent the same
requests (`benchmarks.profile_passes`)."""

from typing import Any

from benchmarks.profile_passes import FIRST_PASS, SEEN, SEEN_AGAIN
from benchmarks.report_common import Row, rps, say

FIRST_PASS_TARGET, SEEN_TARGET = 0.3, 0.6
STILL_FILLING = 1.1
"""The run after the first, more than this much faster in every round: the cache was not full after the pass
(in one round alone, the noise of a shared machine can do it)."""
ROUTE = "`GET /api/user/profile`, 20,000 users (each its own token), "
WHERE_MISS = (
    "a cached token's checks, then the profile read from SQLite (a SELECT by primary key on a read-only "
    "connection through aiosqlite's thread, the misses that arrive meanwhile coalesced into one statement; "
    "no unit of work), the profile kept, the body encoded and hashed for the ETag"
)
WHERE_HIT = (
    "a cached token's checks, then the injected use case, the cache look-up, the body encoded and hashed for the "
    "ETag, the ETag and Cache-Control headers"
)


def targets(results: dict[str, Any]) -> list[Row]:
    return [_first_pass(results), _seen(results)]


def _first_pass(results: dict[str, Any]) -> Row:
    mine, bare = rps(results, FIRST_PASS), rps(results, "bare_tokens")
    runs = results["throughput"][FIRST_PASS]
    repeated = sum(run.get("script", {}).get("repeated", 0) for run in runs)
    trouble = _errors(runs, "bare_tokens", results)
    if repeated:
        trouble.append(f"{repeated:,} requests went to users already read in the run (not all misses)")
    reason = f"{1e6 / mine - 1e6 / bare:.0f} µs more a request than the bare app on one worker ({WHERE_MISS})"
    return Row(
        f"{ROUTE}the first pass on a freshly started server, every request a profile cache miss, "
        f"≥ {FIRST_PASS_TARGET}× the bare app (uvicorn, 1 worker each, the same requests)",
        f"{mine / bare:.2f}×",
        f"{mine:,.0f} vs {bare:,.0f} req/s; {1e3 / mine:.2f} ms a request (bare {1e3 / bare:.2f} ms)",
        say(mine / bare >= FIRST_PASS_TARGET and not trouble, "; ".join(trouble) or reason),
    )


def _seen(results: dict[str, Any]) -> Row:
    mine, again, bare = rps(results, SEEN), rps(results, SEEN_AGAIN), rps(results, "bare_tokens")
    trouble = _errors(results["throughput"][SEEN], "bare_tokens", results)
    pairs = zip(results["throughput"][SEEN], results["throughput"][SEEN_AGAIN], strict=True)
    if all(after["requests_per_s"] > STILL_FILLING * first["requests_per_s"] for first, after in pairs):
        trouble.append(
            f"the cache was still filling after one pass: the run after was {again / mine - 1:.0%} faster (in every "
            "round), so profiles read in the pass were lost or evicted"
        )
    reason = f"{1e6 / mine - 1e6 / bare:.0f} µs more a request than the bare app on one worker ({WHERE_HIT})"
    return Row(
        f"{ROUTE}once every user was seen, right after one pass (no warm-up beyond it), "
        f"≥ {SEEN_TARGET}× the bare app (uvicorn, 1 worker each, the same requests)",
        f"{mine / bare:.2f}×",
        f"{mine:,.0f} vs {bare:,.0f} req/s; the run after: {again:,.0f} req/s",
        say(mine / bare >= SEEN_TARGET and not trouble, "; ".join(trouble) or reason),
    )


def _errors(runs: list[dict[str, Any]], bare: str, results: dict[str, Any]) -> list[str]:
    failed = sum(run["errors"] for run in runs) + sum(run["errors"] for run in results["throughput"][bare])
    return [f"{failed:,} requests failed"] if failed else []
