"""RSS as sessions are added straight into each store, each step followed by protected requests from a
sample of the new sessions (tessera on SQLite; Litestar's in-memory server-side store)."""

import json
from pathlib import Path
from typing import Any

from benchmarks import load
from benchmarks.processes import rss_bytes
from benchmarks.servers import baseline, db_upgrade, tessera, tessera_env
from benchmarks.tessera_setup import SessionWriter, register_and_log_in
from benchmarks.throughput import CONNECTIONS, THREADS, session_cookie


def memory(work: Path, sessions: int, seconds: float) -> dict[str, Any]:
    steps = 4
    per_step, sample = sessions // steps, min(1000, max(1, sessions // steps))
    drive = max(1.0, seconds / 5)
    database = work / "memory.db"
    env = tessera_env(work, f"sqlite+aiosqlite:///{database}")
    db_upgrade(env)
    result: dict[str, Any] = {"active": [per_step * i for i in range(steps + 1)], "tessera": [], "memory_store": []}
    with tessera(work, env, "tessera-sqlite") as (service, pid):
        first = register_and_log_in(service)
        writer = SessionWriter(database, work / "signing-key.jwk")
        try:
            for i in range(steps + 1):
                tokens = writer.add(per_step, sample) if i else [first.access_token]
                _drive(work, f"{service}/api/user/session", [f"Authorization: Bearer {t}" for t in tokens], drive)
                result["tessera"].append(rss_bytes(pid))
        finally:
            writer.close()
    with baseline(work, "memory") as (store, pid):
        cookie = session_cookie(store)
        for i in range(steps + 1):
            ids = _post_list(store, f"/seed?n={per_step}&sample={sample}") if i else []
            lines = [f"Cookie: session={sid}" for sid in ids] or [f"Cookie: {cookie}"]
            _drive(work, f"{store}/ping", lines, drive)
            result["memory_store"].append(rss_bytes(pid))
    return result


def _post_list(base: str, path: str) -> list[str]:
    import urllib.request

    request = urllib.request.Request(base + path, data=b"", method="POST")
    with urllib.request.urlopen(request, timeout=600) as answer:
        return list(json.loads(answer.read()))


def _drive(work: Path, url: str, lines: list[str], seconds: float) -> None:
    credentials = work / "credentials.txt"
    credentials.write_text("\n".join(lines) + "\n")
    run = load.wrk(url, seconds, CONNECTIONS, THREADS, script=load.ROTATE_LUA, script_args=(str(credentials),))
    if run.errors:
        raise RuntimeError(f"{run.errors} errors while driving {url}")
