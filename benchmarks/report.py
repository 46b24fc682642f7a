"""docs/performance.md and its plots, from one run's results."""

import os
import platform
import statistics
import subprocess
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

MB = 1024 * 1024
LABELS = {
    "bare": "Litestar, no auth",
    "jwtauth": "Litestar JWTAuth",
    "redis_session": "Litestar session (Redis)",
    "tessera_health": "tessera /health (no auth)",
    "tessera_protected": "tessera protected",
    "granian_bare": "granian: Litestar, no auth",
    "granian_jwtauth": "granian: Litestar JWTAuth",
    "granian_redis_session": "granian: Litestar session (Redis)",
    "granian_tessera_health": "granian: tessera /health",
    "granian_tessera_protected": "granian: tessera protected",
}


def median(runs: list[dict[str, Any]], field: str) -> float:
    return statistics.median(run[field] for run in runs)


def verdict(met: bool) -> str:
    return "**MET**" if met else "**MISSED**"


def write(results: dict[str, Any], out: Path, plots: Path) -> None:
    plots.mkdir(parents=True, exist_ok=True)
    images = _plots(results, plots)
    rel = {name: os.path.relpath(path, out.parent) for name, path in images.items()}
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(_markdown(results, rel))


def _rps(results: dict[str, Any], name: str) -> float:
    return median(results["throughput"][name], "requests_per_s")


def _targets(results: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """(target, measured ratio or figure, raw figures, verdict and reason)."""
    protected, health = _rps(results, "tessera_protected"), _rps(results, "tessera_health")
    jwt, redis = _rps(results, "jwtauth"), _rps(results, "redis_session")
    micro = results["micro"]
    refresh = results["refresh"]["runs"]
    refresh_rps, refresh_errors = median(refresh, "requests_per_s"), sum(r["errors"] for r in refresh)
    idle_p99, storm_p99 = median(results["storm"]["idle"], "p99_ms"), median(results["storm"]["storm"], "p99_ms")
    memory = results["memory"]
    growth = (memory["tessera"][-1] - memory["tessera"][0]) / MB
    store_growth = (memory["memory_store"][-1] - memory["memory_store"][0]) / MB
    sessions = memory["active"][-1]
    bare = _rps(results, "bare")
    rows = [
        (
            "Protected route ≥ 0.8× an unauthenticated route of the same app (uvicorn, 1 worker)",
            f"{protected / health:.2f}×",
            f"{protected:,.0f} vs {health:,.0f} req/s",
            _say(
                protected / health >= 0.8,
                "what remains on every protected request: the route's middleware (Litestar wraps a route that "
                "has middleware in a second exception handler), the token's two cache look-ups (signature, "
                "remembered claims), the time-claim and revocation checks, the `request` parameter and the "
                "principal's serialisation; /health has none of it" + _on_granian(results, "tessera_health"),
            ),
        ),
        (
            "Protected route ≥ 2.5× Litestar's JWTAuth",
            f"{protected / jwt:.2f}×",
            f"{protected:,.0f} vs {jwt:,.0f} req/s",
            _say(
                protected / jwt >= 2.5,
                f"JWTAuth (HS256) already reaches {jwt / bare:.0%} of the bare app's {bare:,.0f} req/s on this "
                f"server, so 2.5× it would be {2.5 * jwt / bare:.1f}× the bare app itself"
                + _on_granian(results, "jwtauth"),
            ),
        ),
        (
            "Protected route ≥ 3× a server-side session in Redis",
            f"{protected / redis:.2f}×",
            f"{protected:,.0f} vs {redis:,.0f} req/s",
            _say(
                protected / redis >= 3,
                f"Redis sessions reach {redis / bare:.0%} of the bare app's {bare:,.0f} req/s here, so 3× them "
                f"would be {3 * redis / bare:.1f}× the bare app itself" + _on_granian(results, "redis_session"),
            ),
        ),
        (
            "Uncached verification (signature + claims + revocation) ≥ 0.6× raw `cryptography` RS256 verify",
            f"{micro['uncached_verify'] / micro['raw_verify']:.2f}×",
            f"{micro['uncached_verify']:,.0f} vs {micro['raw_verify']:,.0f} /s",
            _say(
                micro["uncached_verify"] / micro["raw_verify"] >= 0.6,
                f"the RSA verification is {1e6 / micro['raw_verify']:.0f} µs of the "
                f"{1e6 / micro['uncached_verify']:.0f} µs; the rest is Python: three strict base64url "
                "decodes and two msgspec parses, the exact claim checks (three UUIDs parsed), the frozen claims, "
                "validity and principal objects, the clock and the revocation look-up (a token seen before "
                "skips all but the clock, the time claims and revocation)",
            ),
        ),
        (
            "Refresh on PostgreSQL, 32 clients: req/s, p50/p99, ratio to raw signing, no errors",
            f"{refresh_rps:,.0f} req/s; {refresh_rps / micro['raw_sign']:.2f}× raw signing",
            f"p50 {median(refresh, 'p50_ms'):.1f} ms, p99 {median(refresh, 'p99_ms'):.1f} ms, "
            f"{refresh_errors} errors; raw RS256 sign {micro['raw_sign']:,.0f}/s",
            _say(refresh_errors == 0, f"{refresh_errors} failed requests"),
        ),
        (
            "Login storm: protected p99 ≤ 2× its idle p99",
            f"{storm_p99 / idle_p99:.2f}×",
            f"p99 {storm_p99:.2f} ms under the storm vs {idle_p99:.2f} ms idle; "
            f"{median(results['storm']['logins'], 'requests_per_s'):.1f} logins/s",
            _say(
                storm_p99 <= 2 * idle_p99,
                "the hashing threads (TESSERA_ARGON2_CONCURRENCY at a time) and the load generator itself "
                "compete with the event loop for this machine's two cores",
            ),
        ),
        (
            f"RSS growth after {sessions:,} active sessions < 10 MB (beside an in-memory session store)",
            f"{growth:+.1f} MB",
            f"in-memory server-side store: {store_growth:+.1f} MB",
            _say(growth < 10, "memory grew with the sessions"),
        ),
    ]
    return rows


def _on_granian(results: dict[str, Any], baseline: str) -> str:
    """The same comparison with every server on granian, when the run measured it."""
    runs = results["throughput"]
    if "granian_tessera_protected" not in runs or f"granian_{baseline}" not in runs:
        return ""
    ratio = _rps(results, "granian_tessera_protected") / _rps(results, f"granian_{baseline}")
    return f" (with every server on granian: {ratio:.2f}×)"


def _say(met: bool, reason: str) -> str:
    return verdict(True) if met else f"{verdict(False)}: {reason}"


def _markdown(results: dict[str, Any], images: dict[str, str]) -> str:
    lines = [
        "# Performance",
        "",
        "Written by `just bench` (`benchmarks/run.py`); do not edit by hand. "
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, in {results['elapsed_s'] / 60:.1f} minutes.",
        "",
        f"Each wrk run lasts {results['seconds']:g} s with 32 connections and 2 threads unless said otherwise; "
        f"variants alternate over {results['rounds']} rounds (the order reversed every other round) so that drift "
        "hits all alike; figures are medians over the rounds. Every server runs on 127.0.0.1 with one worker: "
        "`tessera serve` (uvicorn, access log on) and the Litestar baselines served by the same `uvicorn.run` call; "
        "the targets are judged there. The `granian:` rows serve the same apps with granian (one worker, access "
        "log on), every variant again, for a same-server comparison on the other server.",
        "",
        "## Targets",
        "",
        "| Target | Measured | Raw figures | Verdict |",
        "|---|---|---|---|",
    ]
    lines += [f"| {t} | {m} | {raw} | {v} |" for t, m, raw, v in _targets(results)]
    lines += [
        "",
        "## Throughput by variant",
        "",
        f"![throughput]({images['throughput']})",
        "",
        "| Variant | req/s (median) | per round | p50 ms | p99 ms | errors |",
        "|---|---|---|---|---|---|",
    ]
    for name, runs in results["throughput"].items():
        per_round = ", ".join(f"{r['requests_per_s']:,.0f}" for r in runs)
        lines.append(
            f"| {LABELS[name]} | {median(runs, 'requests_per_s'):,.0f} | {per_round} | "
            f"{median(runs, 'p50_ms'):.2f} | {median(runs, 'p99_ms'):.2f} | {sum(r['errors'] for r in runs)} |"
        )
    micro = results["micro"]
    lines += ["", "## In-process rates (one core, RS256, 2048-bit key)", "", "| Operation | per second |", "|---|---|"]
    names = {
        "raw_verify": "`cryptography` verify, raw",
        "uncached_verify": "tessera `VerifyAccessToken`, uncached",
        "cached_verify": "tessera `VerifyAccessToken`, cache hit",
        "raw_sign": "`cryptography` sign, raw",
        "tessera_sign": "tessera `JoserfcTokenSigner.sign`",
    }
    lines += [f"| {names[key]} | {value:,.0f} |" for key, value in micro.items()]
    storm = results["storm"]
    lines += [
        "",
        "## Login storm",
        "",
        f"![p99 under the login storm]({images['storm']})",
        "",
        f"The probe: wrk with {storm['probe_connections']} connections, 1 thread, on `/api/user/session`; the "
        "storm: wrk with 16 connections posting correct credentials to `/auth/login` at argon2id's "
        "default cost (time 3, 64 MiB, parallelism 1, one hash at a time on a 2-core machine), started 1 s "
        "before the probe.",
        "",
        "| Round | idle p99 ms | storm p99 ms | idle req/s | storm req/s | logins/s |",
        "|---|---|---|---|---|---|",
    ]
    for i, (idle, busy, login) in enumerate(zip(storm["idle"], storm["storm"], storm["logins"], strict=True)):
        lines.append(
            f"| {i + 1} | {idle['p99_ms']:.2f} | {busy['p99_ms']:.2f} | {idle['requests_per_s']:,.0f} | "
            f"{busy['requests_per_s']:,.0f} | {login['requests_per_s']:.1f} |"
        )
    memory = results["memory"]
    lines += [
        "",
        "## Memory against active sessions",
        "",
        f"![RSS against active sessions]({images['memory']})",
        "",
        "Sessions are written straight into each store by the harness (tessera: rows in its SQLite database, "
        "each with a live refresh token, and access tokens signed with the server's key; the baseline: "
        "Litestar's `MemoryStore` behind `ServerSideSessionConfig`, filled by a seeding route). After each step "
        "both servers serve protected requests from a sample of up to 1,000 of the new sessions, then RSS is "
        "read from `/proc/<pid>/status`.",
        "",
        "| Active sessions | tessera RSS MB | in-memory store RSS MB |",
        "|---|---|---|",
    ]
    for active, mine, theirs in zip(memory["active"], memory["tessera"], memory["memory_store"], strict=True):
        lines.append(f"| {active:,} | {mine / MB:.1f} | {theirs / MB:.1f} |")
    refresh = results["refresh"]["runs"]
    lines += [
        "",
        "## Refresh on PostgreSQL",
        "",
        "A throwaway local cluster (`tests/support/pg_cluster.py`, fsync off). Each wrk thread starts with a "
        "pool of refresh tokens from real logins and puts every successor it receives back in the pool, so "
        "each request rotates a live token.",
        "",
        "| Round | req/s | p50 ms | p99 ms | errors |",
        "|---|---|---|---|---|",
    ]
    lines += [
        f"| {i + 1} | {r['requests_per_s']:,.0f} | {r['p50_ms']:.2f} | {r['p99_ms']:.2f} | {r['errors']} |"
        for i, r in enumerate(refresh)
    ]
    lines += [
        "",
        "## Machine and versions",
        "",
        *_machine(),
        "",
        "## Commands",
        "",
        "```",
        "just bench    # uv run python -m benchmarks.run",
        *_commands(results),
        "```",
        "",
    ]
    return "\n".join(lines)


def _machine() -> list[str]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory_kb = next(
        int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")
    )
    packages = ["litestar", "uvicorn", "granian", "joserfc", "cryptography", "dishka", "PyJWT", "redis", "sqlalchemy"]
    return [
        f"- `nproc`: {os.cpu_count()}; CPU: {cpu}; memory: {memory_kb / 1024 / 1024:.1f} GiB",
        f"- {platform.platform()}; Python {platform.python_version()}",
        "- " + ", ".join(f"{name} {version(name)}" for name in packages),
        f"- {_first_line(['wrk', '-v'])}; {_first_line(['redis-server', '--version'])}; {_postgres()}",
    ]


def _first_line(command: list[str]) -> str:
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    return (done.stdout or done.stderr).strip().splitlines()[0]


def _postgres() -> str:
    from tests.support.postgres import _binaries

    return _first_line([str(_binaries() / "postgres"), "--version"])


def _commands(results: dict[str, Any]) -> list[str]:
    seen: dict[str, str] = {}
    for runs in results["throughput"].values():
        seen.setdefault(runs[0]["command"].split(" http")[0], runs[0]["command"])
    shown = list(seen.values())
    shown.append(results["refresh"]["runs"][0]["command"])
    shown.append(results["storm"]["idle"][0]["command"])
    shown.append(results["storm"]["logins"][0]["command"])
    return [f"wrk: {command}" for command in shown]


def _plots(results: dict[str, Any], folder: Path) -> dict[str, Path]:
    paths = {name: folder / f"performance-{name}.png" for name in ("throughput", "storm", "memory")}
    names = list(results["throughput"])
    figure, axes = plt.subplots(figsize=(9, 4.5))
    axes.barh([LABELS[n] for n in names], [_rps(results, n) for n in names], color="#4c72b0")
    axes.invert_yaxis()
    axes.set_xlabel("requests/s (median of rounds), wrk -c32 -t2, one worker")
    figure.tight_layout()
    figure.savefig(paths["throughput"], dpi=100)
    plt.close(figure)
    storm = results["storm"]
    figure, axes = plt.subplots(figsize=(6, 4))
    rounds = range(1, len(storm["idle"]) + 1)
    axes.plot(rounds, [r["p99_ms"] for r in storm["idle"]], "o-", label="idle")
    axes.plot(rounds, [r["p99_ms"] for r in storm["storm"]], "s-", label="during the login storm")
    axes.set_xlabel("round")
    axes.set_ylabel("protected route p99 (ms)")
    axes.set_xticks(list(rounds))
    axes.legend()
    figure.tight_layout()
    figure.savefig(paths["storm"], dpi=100)
    plt.close(figure)
    memory = results["memory"]
    figure, axes = plt.subplots(figsize=(6, 4))
    axes.plot(memory["active"], [b / MB for b in memory["tessera"]], "o-", label="tessera (JWT, SQLite)")
    axes.plot(memory["active"], [b / MB for b in memory["memory_store"]], "s-", label="in-memory session store")
    axes.set_xlabel("active sessions")
    axes.set_ylabel("server RSS (MB)")
    axes.legend()
    figure.tight_layout()
    figure.savefig(paths["memory"], dpi=100)
    plt.close(figure)
    return paths
