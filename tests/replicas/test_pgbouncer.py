"""tessera through a real pgbouncer in transaction pooling (`?pooler=pgbouncer`), with its change
listener on PostgreSQL itself (TESSERA_LISTEN_DATABASE_URL): the whole session lifecycle works, the
one-statement rotation included, with clients of several processes sharing few server connections;
and a logout reaches the other replica through LISTEN, within milliseconds."""

import base64
import contextlib
import os
import re
import secrets
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from deploy.local_pgbouncer import transaction_pooler
from deploy.ports import free_port
from entrypoints.runtime.serve import default_workers
from tests.replicas.flows import bearer, log_in, new_email, refresh, register
from tests.replicas.ledger import query, stored_sessions
from tests.replicas.replicas import Replica, ReplicaSet, tessera, tessera_command, tessera_environment
from tests.support.pg_cluster import PostgresCluster, local_cluster

pytestmark = [pytest.mark.postgres, pytest.mark.timeout(240), pytest.mark.ha, pytest.mark.served]

PYCACHE = Path(tempfile.gettempdir()) / "tessera-scale-pycache"
SERVER_CONNECTIONS = 2
"""pgbouncer's pool: fewer server connections than the replicas' processes, so that their
transactions take turns on the same server connections (where named prepared statements collide)."""
LISTENER = "tessera-change-listener"
NOTIFIED_BOUND_SECONDS = 0.5
COLLISION = re.compile(r'prepared statement "__asyncpg_stmt_\d+__" (already exists|does not exist)')


@pytest.fixture(scope="module")
def pooled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[PostgresCluster, str]]:
    with local_cluster() as cluster:
        run = Path(tempfile.mkdtemp(prefix="tessera-pgbouncer-"))
        run.chmod(0o711)
        try:
            with transaction_pooler(run, cluster.port, pool_size=SERVER_CONNECTIONS) as url:
                yield cluster, url
        finally:
            shutil.rmtree(run, ignore_errors=True)


@pytest.fixture(scope="module")
def pooled_env(pooled: tuple[PostgresCluster, str], tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    cluster, pooler_url = pooled
    env = tessera_environment(pooler_url, base64.b64encode(secrets.token_bytes(32)).decode(), PYCACHE)
    env["TESSERA_LISTEN_DATABASE_URL"] = cluster.url
    # The migrations, too, run through pgbouncer: each is one transaction.
    upgrade = tessera("db", "upgrade", env=env, cwd=tmp_path_factory.mktemp("pgbouncer-migrate"))
    assert upgrade.returncode == 0, upgrade.stderr
    return env


@pytest.fixture(scope="module")
def replicas(pooled_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[Replica]]:
    started = ReplicaSet(pooled_env, tmp_path_factory.mktemp("pgbouncer-replicas"))
    try:
        yield started(2)
    finally:
        started.stop()


def test_the_session_lifecycle_works_through_pgbouncer_in_transaction_pooling(
    pooled: tuple[PostgresCluster, str], replicas: list[Replica]
) -> None:
    cluster, _ = pooled
    a, b = replicas
    email = new_email()
    failures: list[str] = []

    def one_client(turn: int) -> None:
        """Log in, rotate ten times over both replicas, log out: every step answered as expected."""
        with a.client() as at_a, b.client() as at_b:
            clients = (at_a, at_b)
            tokens = log_in(clients[turn % 2], email)
            for step in range(10):
                answer = refresh(clients[(turn + step) % 2], tokens["refresh_token"])
                if answer.status_code != 200:
                    failures.append(f"refresh: {answer.status_code} {answer.text}")
                    return
                tokens = answer.json()
            closed = clients[turn % 2].post("/auth/logout", headers=bearer(tokens["access_token"]))
            if closed.status_code != 204:
                failures.append(f"logout: {closed.status_code} {closed.text}")
            elif refresh(clients[(turn + 1) % 2], tokens["refresh_token"]).status_code != 401:
                failures.append("a logged-out session still refreshes")

    with a.client() as at_a:
        register(at_a, email)
    clients = [threading.Thread(target=one_client, args=(turn,)) for turn in range(4)]
    for client in clients:
        client.start()
    for client in clients:
        client.join(timeout=120)
    assert failures == []
    stored = stored_sessions(cluster.url)
    assert len(stored) == 4
    assert all(len(s.chain) == 11 and s.problems == [] for s in stored.values())
    assert {s.revocation_reason for s in stored.values()} == {"logout"}
    assert all("error" not in replica.log().lower() for replica in replicas), "a replica logged an error"


def test_the_change_listeners_listen_on_postgresql_itself_and_a_logout_reaches_the_other_replica(
    pooled: tuple[PostgresCluster, str], replicas: list[Replica]
) -> None:
    cluster, _ = pooled
    expected = len(replicas) * default_workers()
    rows = query(
        cluster.url,
        "SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1",
        LISTENER,
    )
    assert rows[0]["n"] == expected, "every worker listens on PostgreSQL directly, not through pgbouncer"
    a, b = replicas
    email = new_email()
    with a.client() as at_a, b.client() as at_b:
        register(at_a, email)
        tokens = log_in(at_a, email)
        assert at_b.get("/api/user/session", headers=bearer(tokens["access_token"])).status_code == 200
        assert at_a.post("/auth/logout", headers=bearer(tokens["access_token"])).status_code == 204
        logged_out = time.monotonic()
        while at_b.get("/api/user/session", headers=bearer(tokens["access_token"])).status_code != 401:
            assert time.monotonic() - logged_out < 5, "the logout never reached the other replica"
            time.sleep(0.002)
        assert time.monotonic() - logged_out < NOTIFIED_BOUND_SECONDS


def test_without_the_pooler_parameter_asyncpgs_named_statements_collide_behind_pgbouncer(
    pooled_env: dict[str, str], tmp_path: Path
) -> None:
    """The control, and what `?pooler=pgbouncer` is for: the same pgbouncer, the URL without it. Each
    client connection names its statements `__asyncpg_stmt_1__`, `_2__`, ... and keeps them; behind a
    transaction pooler they meet other connections' on the same server connection, and the workers'
    start-up fails."""
    unpooled = {**pooled_env, "TESSERA_DATABASE_URL": pooled_env["TESSERA_DATABASE_URL"].split("?")[0]}
    log_path = tmp_path / "unpooled.log"
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            tessera_command("serve", "--host", "127.0.0.1", "--port", str(free_port())),
            env=unpooled, cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    collided = None
    try:
        deadline = time.monotonic() + 60
        while collided is None and server.poll() is None and time.monotonic() < deadline:
            collided = COLLISION.search(log_path.read_text(errors="replace"))
            time.sleep(0.2)
        collided = collided or COLLISION.search(log_path.read_text(errors="replace"))
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=10)
    assert collided is not None, log_path.read_text(errors="replace")[-3000:]
