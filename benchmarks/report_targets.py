"""The headline targets of docs/performance.md (issue 11): tessera against the bare Litestar app sent the
same requests, the gain of a second worker, and how fast a logout reaches every replica."""

import statistics
from typing import Any

from benchmarks import report_profile
from benchmarks.report_common import Row, rps, say

REVOCATION_P99_MS = 100
VERIFIER_ROUTE = "tessera-verifier in a Litestar app (`GET /api/user/session`), "


def headline(results: dict[str, Any]) -> list[Row]:
    return [
        _against_bare(results, "tessera_tokens", "bare_tokens", 0.8, "Token-only route (`GET /api/user/session`), "),
        _against_bare(results, "tessera_cold", "bare_cold", 0.6, "Token-only route, "),
        *report_profile.targets(results),
        _against_bare(
            results,
            "verifier_tokens",
            "verifier_open",
            0.8,
            "tessera-verifier in a Litestar app (`GET /api/user/session`), ",
        ),
        _workers(results),
        _propagation(results["propagation"]),
    ]


WHAT = {
    "tessera_tokens": "20,000 live tokens, one after another, ≥ 0.8× the bare app",
    "tessera_cold": "every token never seen before, ≥ 0.6× the bare app",
    "verifier_tokens": "20,000 live tokens, one after another, ≥ 0.8× the same app's unauthenticated route",
}


WHERE = {
    "tessera_tokens": "the access-token and request-container middlewares, reading the Bearer header, the "
    "cache look-up (the principal kept with the claims), the time-claim and revocation checks, the principal "
    "handed to the route (a context variable), the app's JSON-body hook (run before every route), the answer "
    "encoded by msgspec with its Cache-Control header",
    "tessera_cold": "as a cached token, plus the verification: strict base64url, header and payload parsed, "
    "the signature, the claims read into UUIDs, the result cached (50,000 kept, the oldest evicted)",
    "verifier_tokens": "the middleware reading the Bearer header, the verifier's cache look-up, the time-claim "
    "and revocation checks, the claims and user put in the scope, the claims read by the route",
}
"""What a tessera request does beyond the bare app's, for the reason of a missed target."""

NEXT = {
    "tessera_tokens": "next lever: smaller entries in the 50,000-token cache (20,000 spread through memory cost "
    "about 2.5 µs), then the JSON-body hook left out of routes that take no body (0.45 µs in process)",
    "tessera_cold": "next lever: the Python around the signature (base64url, JSON and the claim checks)",
    "tessera_profile": "",
    "verifier_tokens": "",
}
"""The next lever of a missed target, from the measurements that found it (issue 23)."""


def _against_bare(results: dict[str, Any], name: str, bare: str, target: float, route: str) -> Row:
    runs = results["throughput"][name]
    mine, theirs = rps(results, name), rps(results, bare)
    extra_us = 1e6 / mine - 1e6 / theirs
    cold = name == "tessera_cold"
    trouble = "; ".join(filter(None, (_trouble(runs, cold), _trouble(results["throughput"][bare], cold))))
    than = "the unauthenticated route" if name == "verifier_tokens" else "the bare app"
    reason = f"{extra_us:.0f} µs more a request than {than} on one worker ({WHERE[name]})"
    if cold:
        reason += f"; one RS256 verification alone is {1e6 / results['micro']['raw_verify']:.0f} µs"
    if NEXT.get(name):
        reason += f"; {NEXT[name]}"
    return Row(
        f"{route}{WHAT[name]} (uvicorn, 1 worker each, the same requests)",
        f"{mine / theirs:.2f}×",
        f"{mine:,.0f} vs {theirs:,.0f} req/s",
        say(mine / theirs >= target and not trouble, trouble or reason),
    )


def _workers(results: dict[str, Any]) -> Row:
    one, two = rps(results, "tessera_tokens"), rps(results, "tessera_tokens_2_workers")
    bare_one, bare_two = rps(results, "bare_tokens"), rps(results, "bare_tokens_2_workers")
    mine, theirs = two / one, bare_two / bare_one
    trouble = _trouble(results["throughput"]["tessera_tokens_2_workers"])
    return Row(
        "1 → 2 workers: tessera's gain ≥ 0.9× the bare app's gain (20,000 live tokens)",
        f"{mine / theirs:.2f}×",
        f"tessera {one:,.0f} → {two:,.0f} req/s ({mine:.2f}×); bare {bare_one:,.0f} → {bare_two:,.0f} ({theirs:.2f}×)",
        say(
            mine / theirs >= 0.9 and not trouble,
            trouble
            or "wrk's two threads and the servers share this machine's two cores, so a second worker "
            "gains only what the load generator leaves over, and less the more each request costs",
        ),
    )


def _propagation(propagation: dict[str, Any]) -> Row:
    p50, p99, worst = percentiles_ms(propagation["seconds"])
    late = sum(1 for s in propagation["seconds"] if s >= propagation["bound_s"])
    return Row(
        f"Revocation reaches every other replica and worker: p99 ≤ {REVOCATION_P99_MS} ms "
        f"({propagation['replicas']} replicas × {propagation['workers']} workers, PostgreSQL)",
        f"p99 {p99:.0f} ms",
        f"{len(propagation['seconds'])} logouts: p50 {p50:.0f} ms, p99 {p99:.0f} ms, max {worst:.0f} ms"
        + (f"; {late} still accepted after {propagation['bound_s']:g} s" if late else ""),
        say(
            p99 <= REVOCATION_P99_MS,
            "a revocation whose PostgreSQL notification was late or lost is learned at the next poll of the "
            "sessions table (TESSERA_REVOCATION_POLL_SECONDS, 1 s by default)",
        ),
    )


def percentiles_ms(seconds: list[float]) -> tuple[float, float, float]:
    """p50, p99 (nearest rank) and the maximum, in milliseconds."""
    ordered = sorted(s * 1000 for s in seconds)
    p99 = ordered[min(len(ordered) - 1, max(0, -(-99 * len(ordered) // 100) - 1))]
    return statistics.median(ordered), p99, ordered[-1]


def _trouble(runs: list[dict[str, Any]], cold: bool = False) -> str:
    """Why a row's figure cannot be trusted, if it cannot: failed requests, or (tokens never seen
    before) a token sent twice in a run."""
    errors = sum(run["errors"] for run in runs)
    repeated = sum(run.get("script", {}).get("repeated", 0) for run in runs) if cold else 0
    said = [f"{errors:,} requests failed"] if errors else []
    said += [f"{repeated:,} tokens were sent twice in a run (the token list is too short)"] if repeated else []
    return "; ".join(said)
