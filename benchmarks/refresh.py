"""Refresh as a fleet of mobile clients does it: many users, each with its own session and live refresh
token; every request rotates the next token in turn and puts its successor at the back of the queue
(wrk, 32 connections). PostgreSQL with `tessera serve --workers 2` (the target) and with one worker;
SQLite, the default store, with one worker. The three servers run side by side, in alternating rounds.

Besides wrk's figures, each run reads the CPU that the server's processes and PostgreSQL's spent, per
refresh; and before the runs, `refresh_breakdown` splits one refresh's time in process."""

import contextlib
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from benchmarks import load
from benchmarks.refresh_breakdown import breakdown, cpu_seconds, cpu_spent
from benchmarks.refresh_population import seed_refresh_tokens
from benchmarks.servers import db_upgrade, tessera, tessera_env
from benchmarks.throughput import CONNECTIONS, THREADS

SESSIONS = 4_000
"""Live refresh tokens in each run's queue: each is rotated about every SESSIONS / rate seconds."""
BREAKDOWN_REFRESHES = 300
SETTLE_SECONDS = 1.0
"""Between seeding and the run: the seeding connections' server processes end, and their CPU is not the run's."""
VARIANTS = (("postgres", 2), ("postgres", 1), ("sqlite", 1))

FIFO_LUA = """
-- Many sessions: each request rotates the token at the front of this thread's queue, and its
-- successor joins the back, so every session is refreshed in turn.
local queue, head, tail = {}, 1, 0
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
end
function init(args)
  for line in io.lines(args[1] .. "." .. id) do
    tail = tail + 1
    queue[tail] = line
  end
end
function request()
  local token = queue[head] or "spent"
  queue[head] = nil
  head = head + 1
  return wrk.format("POST", "/auth/refresh", {["Content-Type"] = "application/json"},
    '{"refresh_token":"' .. token .. '"}')
end
function response(status, headers, body)
  local token = body:match('"refresh_token":"([^"]+)"')
  if token then
    tail = tail + 1
    queue[tail] = token
  end
end
"""


def variant_name(backend: str, workers: int) -> str:
    return f"{backend}, {workers} worker{'s' if workers > 1 else ''}"


def refresh(
    work: Path, seconds: float, rounds: int, sessions: int = SESSIONS, breakdown_refreshes: int = BREAKDOWN_REFRESHES
) -> dict[str, Any]:
    from tests.support.pg_cluster import local_cluster

    with local_cluster() as cluster, contextlib.ExitStack() as stack:
        urls = {"postgres": cluster.url, "sqlite": f"sqlite+aiosqlite:///{work / 'refresh.db'}"}
        envs = {backend: tessera_env(work, url) for backend, url in urls.items()}
        split = {}
        for backend, env in envs.items():
            db_upgrade(env)
            split[backend] = breakdown(env, breakdown_refreshes)
        servers = {
            (backend, workers): stack.enter_context(
                tessera(work, envs[backend], f"refresh-{backend}-{workers}", workers)
            )
            for backend, workers in VARIANTS
        }
        runs: dict[str, list[dict[str, Any]]] = {variant_name(*variant): [] for variant in VARIANTS}
        for _ in range(rounds):
            for (backend, workers), (service, pid) in servers.items():
                pools = work / "refresh-tokens"
                tokens = seed_refresh_tokens(urls[backend], sessions)
                for thread in range(THREADS):
                    Path(f"{pools}.{thread + 1}").write_text("\n".join(tokens[thread::THREADS]) + "\n")
                postmaster = int((cluster.data / "postmaster.pid").read_text().split()[0])
                runs[variant_name(backend, workers)].append(_measured(service, pid, postmaster, seconds, pools))
    return {"runs": runs, "breakdown": split, "sessions": sessions}


def _measured(service: str, pid: int, postmaster: int, seconds: float, pools: Path) -> dict[str, Any]:
    def cpu() -> tuple[dict[int, float], dict[int, float]]:
        return cpu_seconds(pid), cpu_seconds(postmaster)

    time.sleep(SETTLE_SECONDS)
    before = cpu()
    run = load.wrk(service, seconds, CONNECTIONS, THREADS, script=FIFO_LUA, script_args=(str(pools),))
    after = cpu()
    requests = max(1, run.requests)
    return {
        **asdict(run),
        "server_cpu_ms": cpu_spent(before[0], after[0]) * 1e3 / requests,
        "postgres_cpu_ms": cpu_spent(before[1], after[1]) * 1e3 / requests,
    }
