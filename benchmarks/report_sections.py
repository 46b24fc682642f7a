"""The report's sections after the targets: each part's own figures, the machine, the commands."""

import os
import platform
import statistics
import subprocess
from importlib.metadata import version
from pathlib import Path
from typing import Any

from benchmarks.report_common import MB
from benchmarks.report_targets import percentiles_ms


def propagation(result: dict[str, Any]) -> list[str]:
    p50, p99, worst = percentiles_ms(result["seconds"])
    return [
        f"Revocation propagation: {result['replicas']} replicas of `tessera serve --workers {result['workers']}` "
        "over one PostgreSQL (`tests/support/pg_cluster.py`), in shared-key mode. For each of "
        f"{len(result['seconds'])} sessions, its access token is first accepted by every replica; then it is "
        "logged out at replica A (`POST /auth/logout`), and from the logout's answer on every replica, A too "
        "(its other worker), is asked `GET /api/user/session` with that token, 4 fresh connections at a time "
        "(no keep-alive, so that the kernel hands them to both workers), until 5 rounds in a row are all "
        f"refused, or {result['bound_s']:g} s. The delay is when the last 200 arrived after the logout "
        f"answered: p50 {p50:.0f} ms, p99 {p99:.0f} ms, max {worst:.0f} ms. A delay of 0 means that already the "
        "first round after the logout's answer was refused everywhere: the measure cannot see below that round, "
        f"which took {_median_ms(result.get('first_round_s', []))} (12 requests, each on a connection of its own). "
        "The PostgreSQL notification, sent at the logout's commit, had reached every worker by then.",
    ]


def _median_ms(seconds: list[float]) -> str:
    return f"a median {statistics.median(seconds) * 1000:.1f} ms" if seconds else "an unmeasured time"


def micro(rates: dict[str, float]) -> list[str]:
    names = {
        "raw_verify": "`cryptography` verify, raw",
        "uncached_verify": "tessera `VerifyAccessToken`, uncached",
        "cached_verify": "tessera `VerifyAccessToken`, cache hit",
        "raw_sign": "`cryptography` sign, raw",
        "tessera_sign": "tessera `JoserfcTokenSigner.sign`",
    }
    lines = ["## In-process rates (one core, RS256, 2048-bit key)", "", "| Operation | per second |", "|---|---|"]
    return lines + [f"| {names[key]} | {value:,.0f} |" for key, value in rates.items()]


def memory(result: dict[str, Any], image: str) -> list[str]:
    lines = [
        "## Memory against active sessions",
        "",
        f"![RSS against active sessions]({image})",
        "",
        "Sessions are written straight into each store by the harness (tessera: rows in its SQLite database, "
        "each with a live refresh token, and access tokens signed with the server's key; the baseline: "
        "Litestar's `MemoryStore` behind `ServerSideSessionConfig`, filled by a seeding route). After each step "
        "both servers (one worker) serve protected requests from a sample of up to 1,000 of the new sessions, "
        "then RSS is read from `/proc/<pid>/status`.",
        "",
        "| Active sessions | tessera RSS MB | in-memory store RSS MB |",
        "|---|---|---|",
    ]
    rows = zip(result["active"], result["tessera"], result["memory_store"], strict=True)
    return lines + [f"| {active:,} | {mine / MB:.1f} | {theirs / MB:.1f} |" for active, mine, theirs in rows]


def machine() -> list[str]:
    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    cpu = next((line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")), "")
    meminfo = Path("/proc/meminfo").read_text().splitlines()
    memory_kb = next(int(line.split()[1]) for line in meminfo if line.startswith("MemTotal"))
    packages = ["litestar", "uvicorn", "joserfc", "cryptography", "dishka", "PyJWT", "redis", "sqlalchemy"]
    return [
        "## Machine and versions",
        "",
        f"- `nproc`: {os.cpu_count()}; CPU: {cpu or platform.processor()}; memory: {memory_kb / 1024 / 1024:.1f} GiB",
        f"- {platform.platform()}; Python {platform.python_version()}",
        "- " + ", ".join(f"{name} {version(name)}" for name in packages),
        f"- {_first_line(['wrk', '-v'])}; {_first_line(['redis-server', '--version'])}; {_postgres()}",
    ]


def commands(results: dict[str, Any]) -> list[str]:
    seen: dict[str, str] = {}
    for runs in results["throughput"].values():
        seen.setdefault(runs[0]["command"].split(" http")[0], runs[0]["command"])
    shown = [*seen.values(), next(iter(results["refresh"]["runs"].values()))[0]["command"]]
    storm = results["storm"]["profiles"]["default"]
    shown += [storm["idle"][0]["command"], storm["logins"][0]["command"]]
    return [
        "## Commands",
        "",
        "```",
        "just bench    # uv run python -m benchmarks.run",
        *(f"wrk: {c}" for c in shown),
        "```",
    ]


def _first_line(command: list[str]) -> str:
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    return (done.stdout or done.stderr).strip().splitlines()[0]


def _postgres() -> str:
    from tests.support.postgres import _binaries

    return _first_line([str(_binaries() / "postgres"), "--version"])
