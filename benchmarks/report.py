"""docs/performance.md and its plots, from one run's results."""

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks import report_db_work, report_refresh, report_sections
from benchmarks.report_checks import other_checks
from benchmarks.report_common import LABELS, Row, median
from benchmarks.report_plots import draw
from benchmarks.report_targets import headline


def write(results: dict[str, Any], out: Path, plots: Path) -> None:
    plots.mkdir(parents=True, exist_ok=True)
    images = {name: os.path.relpath(path, out.parent) for name, path in draw(results, plots).items()}
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(_markdown(results, images)))


def _markdown(results: dict[str, Any], images: dict[str, str]) -> list[str]:
    return [
        "# Performance",
        "",
        "Written by `just bench` (`benchmarks/run.py`); do not edit by hand. "
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, in {results['elapsed_s'] / 60:.1f} minutes.",
        "",
        f"Each wrk run lasts {results['seconds']:g} s with 32 connections and 2 threads unless said otherwise; "
        f"variants alternate over {results['rounds']} rounds (the order reversed every other round) so that drift "
        "hits all alike; figures are medians over the rounds. Every server runs on 127.0.0.1, served by uvicorn "
        "with the same settings (access log on) and the worker count passed explicitly: `tessera serve --workers "
        "N` and the Litestar baselines' `uvicorn.run(..., workers=N)`; one worker unless said otherwise.",
        "",
        "tessera is measured as API traffic reaches it: 20,000 users written straight into its SQLite database, "
        "each with a live session and its own access token signed with the server's key; one Lua script "
        "(`benchmarks/token_load.py`) sends the next token of a list on every request, each wrk thread its own "
        "stride of the list. The bare Litestar app is sent exactly the same requests by the same script, so the "
        "script's cost is on both sides of each ratio (compare *Litestar, no auth (plain wrk)* and *Litestar, no "
        "auth, 20,000 tokens* for that cost). *Tokens never seen before*: a list of "
        f"{_cold_tokens(results)} tokens, each run going on where the previous one stopped, no token sent twice "
        "in a run, so no cache of the server ever holds the next one.",
        "",
        "## Targets",
        "",
        *_table(
            [
                *headline(results),
                *report_refresh.targets(results["refresh"]),
                *report_db_work.targets(results["db_work"]),
            ]
        ),
        "",
        f"![revocation propagation]({images['propagation']})",
        "",
        *report_sections.propagation(results["propagation"]),
        "",
        "## Earlier targets, kept",
        "",
        *_table(other_checks(results)),
        "",
        "## Throughput by variant",
        "",
        f"![throughput]({images['throughput']})",
        "",
        "| Variant | What one request does | req/s (median) | per round | p50 ms | p99 ms | errors |",
        "|---|---|---|---|---|---|---|",
        *_variants(results["throughput"]),
        "",
        *report_sections.micro(results["micro"]),
        "",
        *report_sections.storm(results["storm"], images["storm"]),
        "",
        *report_sections.memory(results["memory"], images["memory"]),
        "",
        *report_refresh.section(results["refresh"]),
        "",
        *report_db_work.section(results["db_work"]),
        "",
        *report_sections.machine(),
        "",
        *report_sections.commands(results),
        "",
    ]


def _table(rows: list[Row]) -> list[str]:
    lines = ["| Target | Measured | Raw figures | Verdict |", "|---|---|---|---|"]
    return lines + [f"| {row.target} | {row.measured} | {row.raw} | {row.verdict} |" for row in rows]


def _variants(throughput: dict[str, list[dict[str, Any]]]) -> list[str]:
    lines = []
    for name, runs in throughput.items():
        label, does = LABELS[name]
        per_round = ", ".join(f"{r['requests_per_s']:,.0f}" for r in runs)
        lines.append(
            f"| {label} | {does} | {median(runs, 'requests_per_s'):,.0f} | {per_round} | "
            f"{median(runs, 'p50_ms'):.2f} | {median(runs, 'p99_ms'):.2f} | {sum(r['errors'] for r in runs)} |"
        )
    return lines


def _cold_tokens(results: dict[str, Any]) -> str:
    return f"{results.get('cold_tokens', 0):,}"
