"""Ping a pooled PostgreSQL connection before use only if it sat idle: a connection used a moment ago
is alive, and pinging it on every checkout cost a round trip a request (about a tenth of a refresh's
CPU). One that idled for longer (across a database restart, a failover, a proxy's idle timeout) is
pinged, and replaced if the ping fails, before any statement of the request meets it.

A database that drops connections in the middle of traffic still fails the requests in flight (503),
as it did with a ping on every checkout; the pool then replaces every connection older than the failure."""

import time
from typing import Any

from sqlalchemy import event
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import AsyncEngine

IDLE_BEFORE_PING_SECONDS = 1.0
_RETURNED = "tessera_returned_at"


def ping_when_idle(engine: AsyncEngine, idle_seconds: float = IDLE_BEFORE_PING_SECONDS) -> None:
    pool = engine.sync_engine.pool

    @event.listens_for(pool, "connect")
    def _fresh(_connection: Any, record: Any) -> None:
        record.info[_RETURNED] = time.monotonic()

    @event.listens_for(pool, "checkin")
    def _returned(_connection: Any, record: Any) -> None:
        if record is not None:
            record.info[_RETURNED] = time.monotonic()

    @event.listens_for(pool, "checkout")
    def _alive(connection: Any, record: Any, _proxy: Any) -> None:
        if time.monotonic() - record.info.get(_RETURNED, 0.0) < idle_seconds:
            return
        try:
            connection.ping()
        except Exception as error:
            # The pool discards this connection and checks out another (a new one if need be).
            raise DisconnectionError("an idle connection failed its ping") from error
