"""`just bench`: every server measured side by side, in alternating rounds, and docs/performance.md written.

python -m benchmarks.run [--seconds 10] [--rounds 3] [--sessions 100000] [--cold-tokens 400000]
                         [--revocations 200] [--db-operations 200] [--out docs/performance.md]
python -m benchmarks.run --only throughput --variants tessera_tokens,bare_tokens   # a quick look, no report
"""

import argparse
import json
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks import micro, report
from benchmarks.db_work import db_work
from benchmarks.memory import memory
from benchmarks.processes import ROOT, ensure_tools
from benchmarks.propagation import revocation_propagation
from benchmarks.refresh import refresh
from benchmarks.report_common import median
from benchmarks.storm import login_storm
from benchmarks.throughput import throughput

PARTS = ("micro", "throughput", "propagation", "refresh", "storm", "memory", "db_work")


def main() -> None:
    parser = argparse.ArgumentParser(prog="benchmarks.run")
    parser.add_argument("--seconds", type=float, default=10.0, help="duration of each wrk run")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds over the variants")
    parser.add_argument("--sessions", type=int, default=100_000, help="active sessions for the RSS measure")
    parser.add_argument(
        "--cold-tokens",
        type=int,
        default=400_000,
        help="tokens never seen before: more than any run sends, and than the server's token cache holds",
    )
    parser.add_argument("--refresh-sessions", type=int, default=4_000, help="live refresh tokens a refresh run rotates")
    parser.add_argument("--breakdown-refreshes", type=int, default=300, help="refreshes timed one by one in process")
    parser.add_argument("--revocations", type=int, default=200, help="logouts whose propagation is timed")
    parser.add_argument("--db-operations", type=int, default=200, help="each operation whose database work is counted")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "performance.md")
    parser.add_argument("--plots", type=Path, default=None, help="folder of the PNGs (default: beside --out)")
    parser.add_argument(
        "--only", type=_names, default=None, help=f"comma-separated parts of {','.join(PARTS)}: print, write no report"
    )
    parser.add_argument("--variants", type=_names, default=None, help="comma-separated throughput variants")
    args = parser.parse_args()
    ensure_tools()
    if args.only is not None or args.variants is not None:
        return _partial(args, args.only or ["throughput"])
    began = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="tessera-bench-") as tmp:
        results = _measure(Path(tmp), args, PARTS)
        results.update(seconds=args.seconds, rounds=args.rounds, cold_tokens=args.cold_tokens)
        results["elapsed_s"] = time.monotonic() - began
        report.write(results, args.out, args.plots or args.out.parent)
        (Path(tmp) / "results.json").write_text(json.dumps(results, indent=1, default=str))
    step(f"wrote {args.out} in {results['elapsed_s']:.0f} s")


def _measure(work: Path, args: argparse.Namespace, parts: list[str] | tuple[str, ...]) -> dict[str, Any]:
    results: dict[str, Any] = {}
    if "micro" in parts:
        step("micro-benchmark (in process)")
        results["micro"] = micro.measure(max(0.5, args.seconds / 5))
    if "throughput" in parts:
        step(f"throughput by variant (minting {args.cold_tokens:,} tokens first)")
        results["throughput"] = throughput(work, args.seconds, args.rounds, args.cold_tokens, args.variants)
    if "propagation" in parts:
        step(f"revocation propagation on PostgreSQL ({args.revocations} logouts)")
        results["propagation"] = revocation_propagation(work, args.revocations)
    if "refresh" in parts:
        step("refresh: PostgreSQL (2 workers, 1 worker) and SQLite, many sessions each")
        results["refresh"] = refresh(work, args.seconds, args.rounds, args.refresh_sessions, args.breakdown_refreshes)
    if "storm" in parts:
        step("login storm")
        results["storm"] = login_storm(work, args.seconds, args.rounds)
    if "memory" in parts:
        step("memory against active sessions")
        results["memory"] = memory(work, args.sessions, args.seconds)
    if "db_work" in parts:
        step(f"the database's side of each operation on PostgreSQL ({args.db_operations} of each)")
        results["db_work"] = db_work(work, args.db_operations)
    return results


def _names(raw: str) -> list[str]:
    return [name.strip() for name in raw.split(",") if name.strip()]


def _partial(args: argparse.Namespace, parts: list[str]) -> None:
    """Some parts only, their figures printed: for measuring one lever, never for docs/performance.md."""
    unknown = set(parts) - set(PARTS)
    if unknown:
        raise SystemExit(f"benchmarks: unknown part(s) {', '.join(sorted(unknown))}; choose from {', '.join(PARTS)}")
    with tempfile.TemporaryDirectory(prefix="tessera-bench-") as tmp:
        results = _measure(Path(tmp), args, parts)
    if "throughput" in results:
        results["throughput"] = {
            name: {"median_rps": median(r, "requests_per_s"), "per_round": [x["requests_per_s"] for x in r]}
            for name, r in results["throughput"].items()
        }
    print(json.dumps(results, indent=1, default=str))


def step(message: str) -> None:
    print(f"bench: {message}", flush=True)


if __name__ == "__main__":
    main()
