"""While PostgreSQL refuses new connections ("the database system is shutting down", or "is starting
up"), a request that needs the database must answer 503 with Retry-After, as in any other outage.

The refusal lasts a moment in a fast shutdown or a start; a smart shutdown holds it for as long as one
client stays connected, so this test holds it open with a connection of its own, and ends the
replicas' pooled connections so that their next request has to open a new one.
"""

import asyncio
import contextlib
import time
from collections.abc import Iterator

import asyncpg
import pytest

from tests.replicas.flows import bearer, log_in, new_email, register
from tests.replicas.replicas import ReplicaSet
from tests.support.http import PASSWORD
from tests.support.pg_cluster import PostgresCluster

pytestmark = [pytest.mark.postgres, pytest.mark.scale, pytest.mark.served]


def test_requests_answer_503_not_500_while_postgres_refuses_new_connections(
    replicas: ReplicaSet, database: PostgresCluster
) -> None:
    (replica,) = replicas(1)
    email = new_email()
    with replica.client() as client:
        register(client, email)
        tokens = log_in(client, email)

        with _refusing_new_connections(database):
            statuses = []
            for _ in range(3):
                for response in (
                    client.post("/auth/login", json={"email": email, "password": PASSWORD}),
                    client.post("/auth/refresh", json={"refresh_token": tokens["refresh_token"]}),
                    client.get("/api/user/profile", headers=bearer(tokens["access_token"])),
                ):
                    statuses.append(response.status_code)
                    assert response.status_code != 503 or "retry-after" in response.headers
            assert replica.alive

    assert 500 not in statuses, statuses
    assert set(statuses) == {503}, statuses


@contextlib.contextmanager
def _refusing_new_connections(cluster: PostgresCluster) -> Iterator[None]:
    """A smart shutdown, held open by one connection of ours; every other connection ended.
    On exit the shutdown completes and the cluster is started again."""
    loop = asyncio.new_event_loop()
    holder = loop.run_until_complete(asyncpg.connect(cluster.url, timeout=10))
    try:
        cluster.stop("smart", wait=False)
        loop.run_until_complete(_until_connections_are_refused(cluster.url))
        loop.run_until_complete(
            holder.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE pid <> pg_backend_pid() AND backend_type = 'client backend'"
            )
        )
        yield
    finally:
        loop.run_until_complete(holder.close())
        loop.close()
        cluster.wait_stopped()
        cluster.start()


async def _until_connections_are_refused(url: str) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            connection = await asyncpg.connect(url, timeout=5)
        except asyncpg.CannotConnectNowError:
            return
        await connection.close()
        await asyncio.sleep(0.05)
    raise AssertionError("PostgreSQL kept accepting connections after a smart shutdown began")
