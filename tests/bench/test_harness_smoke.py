"""The benchmark harness end to end in seconds: it runs, and its report has every row. Figures are
never asserted here; they belong to `just bench` and docs/performance.md."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TARGET_ROWS = (
    "Protected route ≥ 0.8× an unauthenticated route",
    "Protected route ≥ 2.5× Litestar's JWTAuth",
    "Protected route ≥ 3× a server-side session in Redis",
    "Uncached verification",
    "Refresh on PostgreSQL, 32 clients",
    "Login storm: protected p99",
    "RSS growth after",
)
VARIANT_ROWS = ("Litestar, no auth", "Litestar JWTAuth", "Litestar session (Redis)", "tessera protected")


@pytest.mark.timeout(240)
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
            "--out",
            str(out),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=230,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    report = out.read_text()
    for row in TARGET_ROWS + VARIANT_ROWS:
        assert row in report
    assert report.count("**MET**") + report.count("**MISSED**") >= len(TARGET_ROWS)
    for plot in ("throughput", "storm", "memory"):
        assert (tmp_path / f"performance-{plot}.png").stat().st_size > 0
