"""A write that reaches a PostgreSQL taking no writes answers 503 with Retry-After, as in any other
outage, never 500; the connection it came on is dropped, so that the replica writes again, without a
restart, as soon as the database takes writes.

In a failover, HAProxy can hand tessera a connection to a standby a moment before its promotion
(Patroni's `/primary` answers 200 once its node holds the leader key, before PostgreSQL has finished
promoting), and a connection can stay on a primary demoted a moment ago; a multi-host URL keeps such
a connection for good. The server here
takes no writes the way a standby refuses them (SQLSTATE 25006, "cannot execute ... in a read-only
transaction"): `default_transaction_read_only` set on the database, every connection ended.
"""

import asyncio
import contextlib
from collections.abc import Iterator

import asyncpg
import httpx
import pytest

from tests.replicas.flows import bearer, log_in, new_email, refresh, register
from tests.replicas.replicas import ReplicaSet
from tests.support.http import PASSWORD
from tests.support.pg_cluster import PostgresCluster

pytestmark = [pytest.mark.postgres, pytest.mark.scale, pytest.mark.served]


def test_writes_answer_503_while_postgres_takes_none_and_succeed_again_on_the_same_replica(
    replicas: ReplicaSet, database: PostgresCluster
) -> None:
    (replica,) = replicas(1)
    email = new_email()
    with replica.client() as client:
        register(client, email)
        tokens = log_in(client, email)

        with _taking_no_writes(database):
            refused = [
                client.post("/auth/login", json={"email": email, "password": PASSWORD}),
                refresh(client, tokens["refresh_token"]),
                client.post("/auth/logout", headers=bearer(tokens["access_token"])),
                refresh(client, tokens["refresh_token"]),
            ]
            verified = client.get("/api/user/session", headers=bearer(tokens["access_token"]))
            assert replica.alive

        assert [r.status_code for r in refused] == [503] * len(refused), [r.text for r in refused]
        assert all(_retry_later_problem(r) for r in refused)
        assert verified.status_code == 200  # the token alone is checked: no database involved

        # The refused rotation never happened: the same refresh token rotates now, on the same replica,
        # whose pool no longer holds a connection that was refused a write.
        rotated = refresh(client, tokens["refresh_token"])
        assert rotated.status_code == 200, rotated.text
        assert client.post("/auth/logout", headers=bearer(rotated.json()["access_token"])).status_code == 204


def _retry_later_problem(response: httpx.Response) -> bool:
    return (
        response.headers["content-type"].startswith("application/problem+json")
        and int(response.headers["retry-after"]) > 0
    )


@contextlib.contextmanager
def _taking_no_writes(cluster: PostgresCluster) -> Iterator[None]:
    """Every new connection read-only, every open one ended; on exit new connections write again,
    and the connections opened meanwhile are left as they are."""
    loop = asyncio.new_event_loop()
    try:
        loop.run_until_complete(_set_read_only(cluster.url, True))
        yield
    finally:
        loop.run_until_complete(_set_read_only(cluster.url, False))
        loop.close()


async def _set_read_only(url: str, read_only: bool) -> None:
    # Its own session writes either way: the database's setting is read as a session starts.
    connection = await asyncpg.connect(url, timeout=10, server_settings={"default_transaction_read_only": "off"})
    try:
        database = await connection.fetchval("SELECT current_database()")
        setting = "SET default_transaction_read_only = on" if read_only else "RESET default_transaction_read_only"
        await connection.execute(f'ALTER DATABASE "{database}" {setting}')
        if read_only:
            await connection.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE pid <> pg_backend_pid() AND backend_type = 'client backend'"
            )
    finally:
        await connection.close()
