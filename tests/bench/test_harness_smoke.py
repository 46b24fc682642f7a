"""The benchmark harness end to end in seconds: it runs, and its report has every row. Figures are
never asserted here; they belong to `just bench` and docs/performance.md."""

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.bench

ROOT = Path(__file__).resolve().parents[2]
HEADLINE_ROWS = (
    "Token-only route (`GET /api/user/session`), 20,000 live tokens, one after another, ≥ 0.8× the bare app",
    "Token-only route, every token never seen before, ≥ 0.6× the bare app",
    "`GET /api/user/profile`, 20,000 users (each its own token), the first pass on a freshly started server, "
    "every request a profile cache miss, ≥ 0.3× the bare app",
    "`GET /api/user/profile`, 20,000 users (each its own token), once every user was seen, right after one pass "
    "(no warm-up beyond it), ≥ 0.6× the bare app",
    "tessera-verifier in a Litestar app (`GET /api/user/session`), 20,000 live tokens, one after another, "
    "≥ 0.8× the same app's unauthenticated route",
    "1 → 2 workers: tessera's gain ≥ 0.9× the bare app's gain",
    "Revocation reaches every other replica and worker: p99 ≤ 100 ms (3 replicas × 2 workers, PostgreSQL)",
    "Refresh on PostgreSQL, `tessera serve --workers 2`, 32 clients",
    "Refresh on SQLite (the default store), `tessera serve --workers 1`, 32 clients",
    "Logins at the default argon2id (m=19456 KiB (19 MiB), t=2, p=1): ≥ 15 logins/s per core in the storm",
    "The database's side of one login, refresh, logout and profile miss on PostgreSQL",
)
KEPT_ROWS = (
    "One token replayed ≥ 0.8× the same app's /health",
    "20,000 live tokens ≥ 2.5× Litestar's JWTAuth",
    "20,000 live tokens ≥ 3× a server-side session in Redis",
    "Uncached verification",
    "Login storm: protected p99",
    "RSS growth after",
)
VARIANT_ROWS = (
    "| Litestar, no auth (plain wrk) |",
    "| Litestar, no auth, 20,000 tokens |",
    "| Litestar, no auth, tokens never seen |",
    "| tessera, 20,000 live tokens |",
    "| tessera, tokens never seen before |",
    "| tessera profile, first pass (every request a miss) |",
    "| tessera profile, every user seen once |",
    "| tessera profile, every user seen, the run after |",
    "| tessera, one token replayed |",
    "| tessera /health (no auth) |",
    "| Litestar JWTAuth |",
    "| Litestar session (Redis) |",
    "| Litestar, no auth, 20,000 tokens, 2 workers |",
    "| tessera, 20,000 live tokens, 2 workers |",
    "| Litestar app with tessera-verifier, unauthenticated route |",
    "| Litestar app with tessera-verifier, 20,000 live tokens |",
)


@pytest.mark.timeout(600)
def test_the_harness_runs_and_reports_every_target(tmp_path: Path) -> None:
    out = tmp_path / "performance.md"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks.run",
            "--seconds",
            "1",
            "--rounds",
            "1",
            "--sessions",
            "400",
            "--cold-tokens",
            "20000",
            "--revocations",
            "10",
            "--refresh-sessions",
            "400",
            "--breakdown-refreshes",
            "20",
            "--db-operations",
            "20",
            "--out",
            str(out),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=580,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    report = out.read_text()
    for row in HEADLINE_ROWS + KEPT_ROWS + VARIANT_ROWS:
        assert row in report, row
    targets, kept = report.split("## Targets", 1)[1].split("## Earlier targets, kept", 1)
    assert all(row in targets for row in HEADLINE_ROWS), "the issue's targets head the report"
    assert all(row in kept for row in KEPT_ROWS)
    assert "one token replayed" not in targets.split("![")[0], "the replayed token is no headline figure"
    assert report.count("**MET**") + report.count("**MISSED**") >= len(HEADLINE_ROWS + KEPT_ROWS)
    assert "logouts: p50" in targets
    for variant in ("| postgres, 2 workers |", "| postgres, 1 worker |", "| sqlite, 1 worker |"):
        assert variant in report, variant
    assert "### Where one refresh's time goes" in report
    for operation in ("login", "refresh", "profile miss", "logout", "logout everywhere", "background, per second"):
        assert f"| {operation} |" in report, operation
    for plot in ("throughput", "propagation", "storm", "memory"):
        assert (tmp_path / f"performance-{plot}.png").stat().st_size > 0
