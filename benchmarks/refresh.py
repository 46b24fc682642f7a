"""Refresh on PostgreSQL: chained rotation, each connection presenting the successor it was just given."""

from dataclasses import asdict
from pathlib import Path
from typing import Any

from benchmarks import load
from benchmarks.servers import db_upgrade, tessera, tessera_env
from benchmarks.tessera_setup import log_in, register_and_log_in
from benchmarks.throughput import CONNECTIONS, THREADS


def refresh_on_postgres(work: Path, seconds: float, rounds: int) -> dict[str, Any]:
    from tests.support.pg_cluster import local_cluster

    with local_cluster() as cluster:
        env = tessera_env(work, cluster.url)
        db_upgrade(env)
        runs = []
        with tessera(work, env, "tessera-postgres") as (service, _):
            email = register_and_log_in(service).email
            for _ in range(rounds):
                pools = work / "refresh-tokens"
                for thread in range(1, THREADS + 1):
                    tokens = [log_in(service, email) for _ in range(2 * CONNECTIONS // THREADS)]
                    Path(f"{pools}.{thread}").write_text("\n".join(tokens) + "\n")
                run = load.wrk(
                    service, seconds, CONNECTIONS, THREADS, script=load.REFRESH_LUA, script_args=(str(pools),)
                )
                runs.append(asdict(run))
    return {"runs": runs}
