"""The login storm: the protected route's latency alone, then beside logins at argon2id's configured cost."""

import threading
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from benchmarks import load
from benchmarks.load import Run
from benchmarks.servers import tessera, tessera_env
from benchmarks.tessera_setup import PASSWORD, register_and_log_in

PROBE_CONNECTIONS = 4


def login_storm(work: Path, seconds: float, rounds: int) -> dict[str, Any]:
    env = tessera_env(work, "memory://", fast_argon2=False)
    idle, storm, logins = [], [], []
    with tessera(work, env, "tessera-storm") as (service, _):
        account = register_and_log_in(service)
        bearer = (f"Authorization: Bearer {account.access_token}",)
        url = f"{service}/api/user/session"
        login_script = load.LOGIN_LUA % (account.email, PASSWORD)
        load.wrk(url, 1, PROBE_CONNECTIONS, 1, bearer)
        for _ in range(rounds):
            idle.append(asdict(load.wrk(url, seconds, PROBE_CONNECTIONS, 1, bearer)))
            storm_result: list[Run] = []
            storm_thread = threading.Thread(
                target=_storm, args=(f"{service}/auth/login", seconds + 2, login_script, storm_result)
            )
            storm_thread.start()
            time.sleep(1)
            storm.append(asdict(load.wrk(url, seconds, PROBE_CONNECTIONS, 1, bearer)))
            storm_thread.join()
            logins.append(asdict(storm_result[0]))
            time.sleep(5)  # logins already accepted keep hashing after wrk leaves: the next idle run waits them out
    return {"idle": idle, "storm": storm, "logins": logins, "probe_connections": PROBE_CONNECTIONS}


def _storm(url: str, seconds: float, script: str, into: list[Run]) -> None:
    into.append(load.wrk(url, seconds, 16, 1, script=script))
