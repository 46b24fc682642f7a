"""What every part of the report shares: medians over rounds, verdicts, and the rows' names."""

import statistics
from typing import Any, NamedTuple

MB = 1024 * 1024


class Row(NamedTuple):
    target: str
    measured: str
    raw: str
    verdict: str


def median(runs: list[dict[str, Any]], field: str) -> float:
    return statistics.median(run[field] for run in runs)


def rps(results: dict[str, Any], name: str) -> float:
    return median(results["throughput"][name], "requests_per_s")


def verdict(met: bool) -> str:
    return "**MET**" if met else "**MISSED**"


def say(met: bool, reason: str) -> str:
    return verdict(True) if met else f"{verdict(False)}: {reason}"


LIVE = "one of 20,000 live RS256 access tokens (each its own user and session), the next on each request"
CACHED = (
    "signature, clock-free claims and principal from the bounded cache of verified tokens (50,000; every token "
    "was met in the warm-up, as a client's second request finds it), else checked and parsed; then the time claims "
    "and the revocation look-up (in memory)"
)
LABELS = {
    "bare": ("Litestar, no auth (plain wrk)", "`GET /ping`, the same request every time, no script, no header"),
    "bare_tokens": (
        "Litestar, no auth, 20,000 tokens",
        "the requests of *tessera, 20,000 live tokens* (`GET /api/user/session`, a Bearer token, the Lua script); "
        "a trivial route answers a small JSON, the header ignored",
    ),
    "bare_cold": (
        "Litestar, no auth, tokens never seen",
        "the requests of *tessera, tokens never seen before*, by the same script; the header ignored",
    ),
    "tessera_tokens": (
        "tessera, 20,000 live tokens",
        f"verifies {LIVE}: {CACHED}; answers user, session and roles from the token; no database",
    ),
    "tessera_cold": (
        "tessera, tokens never seen before",
        "verifies one RS256 access token never seen before: base64url, signature, claims, revocation look-up; "
        "no database",
    ),
    "tessera_profile_first_pass": (
        "tessera profile, first pass (every request a miss)",
        "`GET /api/user/profile` with the tokens above, on a tessera started afresh this round, each token met "
        "once before on `/api/user/session` (so verified from the cache), each user never read by this server: "
        "the profile read from SQLite (by primary key, concurrent misses in one statement), kept in the profile "
        "cache, with its ETag; the "
        "run lasts as long as the bare app would take for 80% of the 20,000 users (at most 4 s), so it stops "
        "before a thread's share of the list does (`benchmarks/profile_passes.py`)",
    ),
    "tessera_profile_seen": (
        "tessera profile, every user seen once",
        "the same requests on the same server right after one whole pass over the 20,000 users, no other "
        "warm-up: the profile from the per-process profile cache, with its ETag; no database",
    ),
    "tessera_profile_seen_again": (
        "tessera profile, every user seen, the run after",
        "as *every user seen once*, the next run: as fast, unless the first pass left the cache short",
    ),
    "tessera_replayed": (
        "tessera, one token replayed",
        "`GET /api/user/session` with the same token every time (plain wrk): every cache look-up hits; the time "
        "claims and revocation still judged; no database. Not what real traffic does",
    ),
    "tessera_health": ("tessera /health (no auth)", "`GET /health`: no authentication, no database"),
    "jwtauth": (
        "Litestar JWTAuth",
        "one HS256 token replayed (plain wrk), decoded and verified by PyJWT every time (Litestar keeps nothing)",
    ),
    "redis_session": (
        "Litestar session (Redis)",
        "one session cookie replayed (plain wrk), the session read from Redis every time",
    ),
    "bare_tokens_2_workers": ("Litestar, no auth, 20,000 tokens, 2 workers", "as its 1-worker row, 2 uvicorn workers"),
    "tessera_tokens_2_workers": ("tessera, 20,000 live tokens, 2 workers", "as its 1-worker row, 2 workers"),
    "verifier_open": (
        "Litestar app with tessera-verifier, unauthenticated route",
        "the requests of *tessera, 20,000 live tokens* to `GET /open` of benchmarks/verifier_app.py: let through "
        "by the middleware's `exclude`, the header ignored",
    ),
    "verifier_tokens": (
        "Litestar app with tessera-verifier, 20,000 live tokens",
        f"`GET /api/user/session` of the same app behind `TesseraMiddleware`, with {LIVE}: signature and "
        "clock-free claims from the verifier's bounded cache (50,000; every token met in the warm-up), else "
        "checked; then the time claims and the session looked up in the revocation feed read every second "
        "in the background; answers user, session and roles",
    ),
}
"""Each throughput variant: its name in the report, and what one request does."""
