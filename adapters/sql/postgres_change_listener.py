import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from uuid import UUID

import asyncpg
from sqlalchemy.engine import make_url

from adapters.sql.database import POSTGRES_CONNECT_TIMEOUT_SECONDS
from application.ports.change_listener import ChangeListener
from domain.changes import Changes
from domain.sessions import Revocation

log = logging.getLogger(__name__)

CHANNEL = "tessera_changes"
"""Written to by the triggers of migration 0006, inside the transaction of each change."""
APPLICATION_NAME = "tessera-change-listener"
"""How the listening connection shows in `pg_stat_activity`."""


class PostgresChangeListener(ChangeListener):
    """LISTENs on one connection of its own. PostgreSQL delivers a notification once the writing
    transaction commits, to every replica at once: a revocation anywhere is heard within
    milliseconds. A lost connection is reopened every `retry` seconds; until then, and for anything
    sent meanwhile, the revocation poll holds the bound.

    Through a failover (docs/deployment.md §10): HAProxy cuts the connection to a primary that stops
    being one, and the next reaches the new primary; a `LISTEN` that lands on a standby fails ("cannot
    execute LISTEN during recovery") and is retried like a refused connection. Its URL is
    `TESSERA_LISTEN_DATABASE_URL` when the pool goes through a transaction pooler, where LISTEN hears
    nothing."""

    def __init__(self, database_url: str, retry: float = 1.0) -> None:
        self._dsn = libpq_dsn(database_url)
        self._retry = retry
        self._task: asyncio.Task[None] | None = None
        self.connected = asyncio.Event()

    async def start(self, on_changes: Callable[[Changes], None]) -> None:
        self._task = asyncio.create_task(self._listen(on_changes), name="tessera-change-listener")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _listen(self, on_changes: Callable[[Changes], None]) -> None:
        def notified(_connection: object, _pid: int, _channel: str, payload: str) -> None:
            changes = parse(payload)
            if changes:
                on_changes(changes)

        while True:
            connection: asyncpg.Connection | None = None
            try:
                connection = await asyncpg.connect(
                    self._dsn,
                    timeout=POSTGRES_CONNECT_TIMEOUT_SECONDS,
                    server_settings={"application_name": APPLICATION_NAME},
                )
                lost = asyncio.Event()
                connection.add_termination_listener(lambda _connection, lost=lost: lost.set())
                await connection.add_listener(CHANNEL, notified)
                self.connected.set()
                await lost.wait()
                log.warning("the change listener's connection was lost; reconnecting")
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError) as error:
                log.warning("the change listener cannot connect (%s); retrying in %s s", error, self._retry)
            finally:
                self.connected.clear()
                if connection is not None:
                    with contextlib.suppress(Exception):
                        await connection.close(timeout=1)
            await asyncio.sleep(self._retry)


def libpq_dsn(database_url: str) -> str:
    """The URL as asyncpg's own `connect()` reads it. SQLAlchemy spells several hosts as repeated
    `?host=h:p` parameters, of which asyncpg's DSN parser keeps the last alone: they become libpq's
    `h1:p1,h2:p2` list, so the listener tries every host, as the pool does (`target_session_attrs` stays)."""
    url = make_url(database_url).set(drivername="postgresql")
    hosts = url.query.get("host")
    if not isinstance(hosts, tuple):
        return url.render_as_string(hide_password=False)
    bare = url.difference_update_query(["host"]).set(host=None, port=None)
    rendered = bare.render_as_string(hide_password=False)
    scheme, _, rest = rendered.partition("://")
    credentials, at, after = rest.rpartition("@")
    return f"{scheme}://{credentials}{at}{','.join(hosts)}{after}"


def parse(payload: str) -> Changes | None:
    """`s <session id> <revoked at, epoch seconds>` or `u <user id>`; None for anything else."""
    try:
        kind, _, rest = payload.partition(" ")
        if kind == "s":
            session_id, moment = rest.split(" ")
            revoked_at = datetime.fromtimestamp(float(moment), UTC)
            return Changes(revocations=(Revocation(UUID(session_id), revoked_at),))
        if kind == "u":
            return Changes(users=(UUID(rest),))
    except (ValueError, OverflowError):
        pass
    return None
