"""The report's PNGs (matplotlib, no display)."""

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from benchmarks.report_common import LABELS, MB, rps
from benchmarks.report_targets import REVOCATION_P99_MS, percentiles_ms

NAMES = ("throughput", "propagation", "storm", "memory")


def draw(results: dict[str, Any], folder: Path) -> dict[str, Path]:
    paths = {name: folder / f"performance-{name}.png" for name in NAMES}
    _throughput(results, paths["throughput"])
    _propagation(results["propagation"], paths["propagation"])
    _storm(results["storm"], paths["storm"])
    _memory(results["memory"], paths["memory"])
    return paths


def _throughput(results: dict[str, Any], path: Path) -> None:
    names = list(results["throughput"])
    figure, axes = plt.subplots(figsize=(9, 5))
    colours = ["#c44e52" if name.startswith("tessera") else "#4c72b0" for name in names]
    axes.barh([LABELS[n][0] for n in names], [rps(results, n) for n in names], color=colours)
    axes.invert_yaxis()
    axes.set_xlabel("requests/s (median of rounds), wrk -c32 -t2, uvicorn")
    _save(figure, path)


def _propagation(propagation: dict[str, Any], path: Path) -> None:
    delays = [s * 1000 for s in propagation["seconds"]]
    p50, p99, _ = percentiles_ms(propagation["seconds"])
    figure, axes = plt.subplots(figsize=(7, 4))
    axes.hist(delays, bins=40, color="#4c72b0")
    for value, style, label in ((p50, "--", "p50"), (p99, "-", "p99")):
        axes.axvline(value, color="#c44e52", linestyle=style, label=f"{label} {value:.0f} ms")
    axes.axvline(REVOCATION_P99_MS, color="#55a868", linestyle=":", label=f"target p99 {REVOCATION_P99_MS} ms")
    axes.set_xlabel("logout answered → every other replica and worker refuses the token (ms)")
    axes.set_ylabel("logouts")
    axes.legend()
    _save(figure, path)


def _storm(storm: dict[str, Any], path: Path) -> None:
    figure, axes = plt.subplots(figsize=(6, 4))
    rounds = range(1, len(storm["profiles"]["default"]["idle"]) + 1)
    for name, profile in storm["profiles"].items():
        axes.plot(rounds, [r["p99_ms"] for r in profile["idle"]], "o-", label=f"idle ({name} argon2id server)")
        axes.plot(rounds, [r["p99_ms"] for r in profile["storm"]], "s-", label=f"during the {name} login storm")
    axes.set_xlabel("round")
    axes.set_ylabel("protected route p99 (ms)")
    axes.set_xticks(list(rounds))
    axes.legend()
    _save(figure, path)


def _memory(memory: dict[str, Any], path: Path) -> None:
    figure, axes = plt.subplots(figsize=(6, 4))
    axes.plot(memory["active"], [b / MB for b in memory["tessera"]], "o-", label="tessera (JWT, SQLite)")
    axes.plot(memory["active"], [b / MB for b in memory["memory_store"]], "s-", label="in-memory session store")
    axes.set_xlabel("active sessions")
    axes.set_ylabel("server RSS (MB)")
    axes.legend()
    _save(figure, path)


def _save(figure: Any, path: Path) -> None:
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)
