"""A replica killed (SIGKILL) under load: its clients fail over to the survivors, retrying the token
whose answer they lost, and no session is forked or revoked by it."""

import re
import threading
import time

import httpx
import pytest

from domain.sessions import hash_refresh_token
from tests.replicas.flows import Measure, log_in, new_email, register, session_status
from tests.replicas.ledger import (
    query,
    sessions_with_two_unspent_tokens,
    spent_tokens_with_a_missing_successor,
    stored_sessions,
)
from tests.replicas.refreshing_client import RefreshingClient, refreshing
from tests.replicas.replicas import ReplicaSet
from tests.support.pg_cluster import PostgresCluster

pytestmark = [pytest.mark.postgres, pytest.mark.scale, pytest.mark.served]

CLIENTS = 8
REFRESHES = 30
KILL_AFTER_ROTATIONS = CLIENTS * REFRESHES // 2


def test_killing_a_replica_mid_rotation_forks_no_chain_and_revokes_no_session(
    replicas: ReplicaSet, database: PostgresCluster, measure: Measure
) -> None:
    a, victim, c = trio = replicas(3)
    email = new_email()
    with a.client() as at_a:
        register(at_a, email)
        logins = [log_in(at_a, email) for _ in range(CLIENTS)]
    rotated = threading.Semaphore(0)
    clients = [
        RefreshingClient(trio, login, refreshes=REFRESHES, first_turn=turn, on_rotation=rotated.release)
        for turn, login in enumerate(logins)
    ]
    with refreshing(clients):
        for _ in range(KILL_AFTER_ROTATIONS):
            assert rotated.acquire(timeout=60), "the clients stalled before the kill"
        victim.kill()
        killed_at = time.monotonic()
        for client in clients:
            client.join(timeout=120)
    measure("clients_finished_after_the_kill", time.monotonic() - killed_at)

    assert victim.process.returncode == -9 and a.alive and c.alive
    assert [(client.failure, client.rotations) for client in clients] == [(None, REFRESHES)] * CLIENTS
    measure("transport_errors_failed_over", sum(client.transport_errors for client in clients), unit="requests")
    assert sum(client.transport_errors for client in clients) > 0, "no client noticed the kill"
    replayed = sum(len(re.findall(r'"detail": "repeat_rotation"', r.log())) for r in trio)
    measure("lost_answers_replayed_within_grace", replayed, unit="rotations")

    assert sessions_with_two_unspent_tokens(database.url) == []
    assert spent_tokens_with_a_missing_successor(database.url) == []
    stored = stored_sessions(database.url)
    assert len(stored) == CLIENTS
    assert {s.id: s.problems for s in stored.values() if s.problems} == {}
    revoked = [s.revocation_reason for s in stored.values() if s.revoked_at is not None]
    measure("sessions_revoked_by_the_crash", len(revoked), unit="sessions")
    assert revoked == [], "a retry after a lost answer was taken for theft"
    chains = {s.chain[0]: s.chain for s in stored.values()}
    assert [chains.get(client.chain[0]) for client in clients] == [client.chain for client in clients]
    assert all(session_status(r, client.access_token) == 200 for r in (a, c) for client in clients)


def test_a_rotation_committed_by_a_replica_that_died_before_answering_is_replayed_by_a_survivor(
    replicas: ReplicaSet, database: PostgresCluster
) -> None:
    survivor, victim = replicas(2)
    email = new_email()
    with survivor.client() as client:
        register(client, email)
        login = log_in(client, email)
    presented = login["refresh_token"]

    # The victim receives the refresh and commits the rotation, but its answer never arrives.
    with pytest.raises(httpx.TransportError), victim.client(timeout=0.001) as hasty:
        hasty.post("/auth/refresh", json={"refresh_token": presented})
    successor_hash = _successor_hash_once_spent(database.url, hash_refresh_token(presented))
    victim.kill()

    with survivor.client() as client:
        retried = client.post("/auth/refresh", json={"refresh_token": presented})
        assert retried.status_code == 200, retried.text
        assert hash_refresh_token(retried.json()["refresh_token"]) == successor_hash, "the same successor"
        assert client.post("/auth/refresh", json={"refresh_token": retried.json()["refresh_token"]}).status_code == 200
    (stored,) = stored_sessions(database.url).values()
    assert stored.problems == [] and stored.revoked_at is None and len(stored.chain) == 3


def _successor_hash_once_spent(dsn: str, token_hash: str) -> str:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        rows = query(
            dsn,
            "SELECT successor.token_hash FROM refresh_tokens AS spent JOIN refresh_tokens AS successor "
            "ON successor.id = spent.successor_id WHERE spent.token_hash = $1",
            token_hash,
        )
        if rows:
            return str(rows[0]["token_hash"])
        time.sleep(0.05)
    raise AssertionError("the victim never committed the rotation whose answer was lost")
