"""How soon a logout at one replica reaches every other replica and every worker, on PostgreSQL.

Three replicas of `tessera serve --workers 2` in shared-key mode (keys in the database, sealed under a
key-encryption key drawn for the run and held in the environment only), as tests/replicas/replicas.py
starts them. For each of many sessions: its access token is first seen accepted everywhere; it is
logged out at replica A; from the logout's answer on, every replica (A too, for its other worker) is
asked again and again with fresh connections, several at once, so that the kernel hands them to both
of its workers. The propagation delay is when the last 200 arrived after the logout returned: 0 if
every answer was already a 401, the bound if 200s never stopped."""

import base64
import contextlib
import http.client
import secrets
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from benchmarks.servers import db_upgrade, tessera, tessera_env
from benchmarks.tessera_setup import PASSWORD, post, register_and_log_in

REPLICAS, WORKERS = 3, 2
PARALLEL = 4
"""Fresh connections to each replica at once, in every polling round."""
SETTLED_ROUNDS = 5
"""Rounds of refusals from every replica after which a token counts as refused everywhere."""
BOUND_SECONDS = 3.0


def revocation_propagation(work: Path, revocations: int) -> dict[str, Any]:
    from tests.support.pg_cluster import local_cluster

    with local_cluster() as cluster, contextlib.ExitStack() as stack:
        env = tessera_env(work, cluster.url)
        del env["TESSERA_DEV_KEY_FILE"]
        env["TESSERA_KEY_ENCRYPTION_KEY"] = base64.b64encode(secrets.token_bytes(32)).decode()
        db_upgrade(env)
        # The first replica alone: on an empty key table it makes the first key.
        replicas = [stack.enter_context(tessera(work, env, "replica-A", workers=WORKERS, ready="/ready"))[0]]
        for name in "BC"[: REPLICAS - 1]:
            replicas.append(
                stack.enter_context(tessera(work, env, f"replica-{name}", workers=WORKERS, ready="/ready"))[0]
            )
        at = replicas[0]
        email = register_and_log_in(at).email
        tokens = [
            post(at, "/auth/login", {"email": email, "password": PASSWORD})["access_token"] for _ in range(revocations)
        ]
        with ThreadPoolExecutor(max_workers=PARALLEL * len(replicas)) as pool:
            measured = [_one(pool, replicas, token) for token in tokens]
    return {
        "seconds": [delay for delay, _ in measured],
        "first_round_s": [first for _, first in measured],
        "replicas": REPLICAS,
        "workers": WORKERS,
        "bound_s": BOUND_SECONDS,
    }


def _one(pool: ThreadPoolExecutor, replicas: list[str], token: str) -> tuple[float, float]:
    """The delay, and how long the first round after the logout took (the resolution of a 0)."""
    before = _round(pool, replicas, token)
    if any(status != 200 for statuses in before for status, _ in statuses):
        raise RuntimeError(f"a live token was refused before its logout: {before}")
    status, _ = _get(replicas[0], "/auth/logout", token, method="POST")
    if status != 204:
        raise RuntimeError(f"logout answered {status}")
    logged_out = time.monotonic()
    last_accepted, settled, first_round = logged_out, 0, 0.0
    while settled < SETTLED_ROUNDS and time.monotonic() - logged_out < BOUND_SECONDS:
        answers = [answer for statuses in _round(pool, replicas, token) for answer in statuses]
        accepted = [at for status, at in answers if status == 200]
        first_round = first_round or time.monotonic() - logged_out
        if accepted:
            last_accepted, settled = max(last_accepted, *accepted), 0
        else:
            settled += 1
    if settled < SETTLED_ROUNDS:
        return BOUND_SECONDS, first_round
    return last_accepted - logged_out, first_round


def _round(pool: ThreadPoolExecutor, replicas: list[str], token: str) -> list[list[tuple[int, float]]]:
    """Each replica asked `PARALLEL` times at once: (status, when the answer arrived)."""
    asked = [[pool.submit(_get, base, "/api/user/session", token) for _ in range(PARALLEL)] for base in replicas]
    return [[future.result() for future in futures] for futures in asked]


def _get(base: str, path: str, token: str, method: str = "GET") -> tuple[int, float]:
    """One request on a connection of its own, closed after."""
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        connection.request(method, path, headers={"Authorization": f"Bearer {token}", "Connection": "close"})
        answer = connection.getresponse()
        answer.read()
        return answer.status, time.monotonic()
    finally:
        connection.close()
