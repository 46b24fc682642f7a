"""The earlier targets, kept beside the headline: the replayed token, JWTAuth and Redis sessions, the
in-process verification, the login storm and memory against sessions."""

from typing import Any

from benchmarks.report_common import MB, Row, rps, say
from benchmarks.report_storm import p99_row


def other_checks(results: dict[str, Any]) -> list[Row]:
    replayed, health = rps(results, "tessera_replayed"), rps(results, "tessera_health")
    live, jwt, redis = rps(results, "tessera_tokens"), rps(results, "jwtauth"), rps(results, "redis_session")
    bare = rps(results, "bare")
    micro = results["micro"]
    memory = results["memory"]
    growth = (memory["tessera"][-1] - memory["tessera"][0]) / MB
    store_growth = (memory["memory_store"][-1] - memory["memory_store"][0]) / MB
    return [
        Row(
            "One token replayed ≥ 0.8× the same app's /health (uvicorn, 1 worker)",
            f"{replayed / health:.2f}×",
            f"{replayed:,.0f} vs {health:,.0f} req/s",
            say(replayed / health >= 0.8, "the route's middleware and the cached verification, which /health lacks"),
        ),
        Row(
            "20,000 live tokens ≥ 2.5× Litestar's JWTAuth (one token replayed: it keeps nothing between requests)",
            f"{live / jwt:.2f}×",
            f"{live:,.0f} vs {jwt:,.0f} req/s",
            say(
                live / jwt >= 2.5,
                f"JWTAuth (HS256) already reaches {jwt / bare:.0%} of the bare app's {bare:,.0f} req/s, so 2.5× it "
                f"would be {2.5 * jwt / bare:.1f}× the bare app itself",
            ),
        ),
        Row(
            "20,000 live tokens ≥ 3× a server-side session in Redis (one cookie replayed)",
            f"{live / redis:.2f}×",
            f"{live:,.0f} vs {redis:,.0f} req/s",
            say(
                live / redis >= 3,
                f"Redis sessions reach {redis / bare:.0%} of the bare app's {bare:,.0f} req/s, so 3× them would be "
                f"{3 * redis / bare:.1f}× the bare app itself",
            ),
        ),
        Row(
            "Uncached verification (signature + claims + revocation) ≥ 0.6× raw `cryptography` RS256 verify",
            f"{micro['uncached_verify'] / micro['raw_verify']:.2f}×",
            f"{micro['uncached_verify']:,.0f} vs {micro['raw_verify']:,.0f} /s",
            say(
                micro["uncached_verify"] / micro["raw_verify"] >= 0.6,
                f"the RSA verification is {1e6 / micro['raw_verify']:.0f} µs of the "
                f"{1e6 / micro['uncached_verify']:.0f} µs; the rest is Python: base64url decodes, JSON parses, "
                "the claim checks, the result objects, the clock and the revocation look-up",
            ),
        ),
        p99_row(results["storm"]),
        Row(
            f"RSS growth after {memory['active'][-1]:,} active sessions < 10 MB (beside an in-memory session store)",
            f"{growth:+.1f} MB",
            f"in-memory server-side store: {store_growth:+.1f} MB",
            say(growth < 10, "memory grew with the sessions"),
        ),
    ]
