"""Where one refresh's time goes, measured in process with the served code path's own objects.

One refresh after another (no queueing, so each figure is what one refresh costs): the database round
trips it makes, the wall time spent awaiting the driver and the database, the rest of SQLAlchemy
(ORM, statement compilation, the pool), the signature, and what is left (the use case itself); and
the CPU this process spent per refresh, all its threads (the audit log's writer included). Under load,
`refresh.py` reads the CPU of the server and of PostgreSQL per refresh with `cpu_seconds`."""

import asyncio
import secrets
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, event
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from application.ports.token_signer import TokenSigner
from application.use_cases.log_in import Credentials, LogIn
from application.use_cases.refresh_session import RefreshSession
from application.use_cases.register_user import RegisterUser, Registration
from entrypoints.ioc.container import build_container
from entrypoints.ioc.keys import PreloadedKeys, load_signing_keys
from entrypoints.runtime.serve import check_shared_keys
from entrypoints.settings.config import Settings
from entrypoints.settings.reader import settings_from_env

SQLALCHEMY_CALLS = (
    *((AsyncSession, name) for name in ("execute", "scalar", "scalars", "flush", "commit", "rollback", "close")),
    *((AsyncSession, name) for name in ("connection",)),
    *((AsyncConnection, name) for name in ("execute", "run_sync")),
)


@dataclass
class Breakdown:
    refreshes: int = 0
    round_trips: int = 0
    """Statements sent, plus each transaction's BEGIN and COMMIT (none for a statement run on its own,
    in autocommit) and each pool pre-ping."""
    total_ms: float = 0.0
    database_ms: float = 0.0
    """Awaiting the driver and the database: statements, BEGIN and COMMIT."""
    sqlalchemy_ms: float = 0.0
    """Inside SQLAlchemy's session calls, the database excluded: ORM, compilation, the pool."""
    signing_ms: float = 0.0
    cpu_ms: float = 0.0
    """This process's CPU, all threads: the use case, the container, SQLAlchemy, the driver, the audit log."""

    def per_refresh(self) -> dict[str, float]:
        n = self.refreshes
        rest = self.total_ms - self.database_ms - self.sqlalchemy_ms - self.signing_ms
        return {
            "round_trips": self.round_trips / n,
            "total_ms": self.total_ms / n,
            "database_ms": self.database_ms / n,
            "sqlalchemy_ms": self.sqlalchemy_ms / n,
            "signing_ms": self.signing_ms / n,
            "rest_ms": rest / n,
            "cpu_ms": self.cpu_ms / n,
        }


def breakdown(env: dict[str, str], refreshes: int) -> dict[str, Any]:
    return asyncio.run(_breakdown(settings_from_env(env), refreshes))


async def _breakdown(settings: Settings, refreshes: int) -> dict[str, Any]:
    if settings.key_encryption_key is not None:
        await asyncio.to_thread(check_shared_keys, settings)
        container = build_container(settings)
    else:
        container = build_container(settings, PreloadedKeys(load_signing_keys(settings)))
    try:
        tokens = await _sessions(container, refreshes)
        engine = await container.get(AsyncEngine)
        signer = await container.get(TokenSigner)  # type: ignore[type-abstract]
        measured = Breakdown()
        with _database_time(engine, measured), _sqlalchemy_time(measured), _signing_time(signer, measured):
            for token in tokens:
                began, cpu_began = time.perf_counter(), time.process_time()
                async with container() as request:
                    await (await request.get(RefreshSession)).execute(token)
                measured.total_ms += (time.perf_counter() - began) * 1e3
                measured.cpu_ms += (time.process_time() - cpu_began) * 1e3
                measured.refreshes += 1
        return {"backend": engine.dialect.name, **measured.per_refresh(), "raw": asdict(measured)}
    finally:
        await container.close()


async def _sessions(container: Any, count: int) -> list[str]:
    """`count` live refresh tokens, each of its own user's session, made by the real use cases."""
    tokens = []
    for _ in range(count):
        email, password = f"breakdown-{secrets.token_hex(6)}@example.com", secrets.token_urlsafe(16)
        async with container() as request:
            await (await request.get(RegisterUser)).execute(Registration(email, password))
        async with container() as request:
            tokens.append((await (await request.get(LogIn)).execute(Credentials(email, password))).refresh_token)
    return tokens


@contextmanager
def _database_time(engine: AsyncEngine, measured: Breakdown) -> Iterator[None]:
    sync_engine = engine.sync_engine
    started: list[float] = []

    def before(*_: object) -> None:
        started.append(time.perf_counter())

    def after(*_: object) -> None:
        measured.database_ms += (time.perf_counter() - started.pop()) * 1e3
        measured.round_trips += 1

    def sent(connection: Connection) -> None:
        if connection.get_execution_options().get("isolation_level") != "AUTOCOMMIT":
            measured.round_trips += 1

    hooks: list[tuple[Any, str, Callable[..., None]]] = [
        (sync_engine, "before_cursor_execute", before),
        (sync_engine, "after_cursor_execute", after),
        (sync_engine, "commit", sent),
    ]
    if engine.dialect.name == "postgresql":
        hooks.append((sync_engine, "begin", sent))
    if sync_engine.pool._pre_ping:
        hooks.append((sync_engine.pool, "checkout", lambda *_: _count(measured)))
    for target, name, hook in hooks:
        event.listen(target, name, hook)
    try:
        yield
    finally:
        for target, name, hook in hooks:
            event.remove(target, name, hook)


def _count(measured: Breakdown) -> None:
    measured.round_trips += 1


@contextmanager
def _sqlalchemy_time(measured: Breakdown) -> Iterator[None]:
    """Time inside AsyncSession calls; the database part is subtracted at the end."""
    originals = {(owner, name): getattr(owner, name) for owner, name in SQLALCHEMY_CALLS}
    inside = [0.0]

    def timed(original: Any) -> Any:
        async def call(*args: Any, **kwargs: Any) -> Any:
            began = time.perf_counter()
            try:
                return await original(*args, **kwargs)
            finally:
                inside[0] += (time.perf_counter() - began) * 1e3

        return call

    for (owner, name), original in originals.items():
        setattr(owner, name, timed(original))
    database_before = measured.database_ms
    try:
        yield
    finally:
        for (owner, name), original in originals.items():
            setattr(owner, name, original)
        measured.sqlalchemy_ms = inside[0] - (measured.database_ms - database_before)


@contextmanager
def _signing_time(signer: TokenSigner, measured: Breakdown) -> Iterator[None]:
    original = signer.sign

    async def sign(claims: Any) -> str:  # awaited: an adapter may sign elsewhere (a KMS)
        began = time.perf_counter()
        try:
            return await original(claims)
        finally:
            measured.signing_ms += (time.perf_counter() - began) * 1e3

    signer.sign = sign  # type: ignore[method-assign]
    try:
        yield
    finally:
        del signer.sign  # type: ignore[method-assign]


def process_cpu_seconds(pids: list[int]) -> dict[int, float]:
    """User plus system CPU of each of these processes so far (those gone are left out)."""
    found = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        found[pid] = (int(fields[11]) + int(fields[12])) / _clock_ticks()
    return found


def cpu_seconds(pid: int) -> dict[int, float]:
    """The CPU of `pid` and its children so far: those alive, each by its pid, and those that ended and
    were waited for, together under `-pid`. PostgreSQL's server processes come and go (a connection's
    own, autovacuum's): reading only those alive at the end missed the CPU of every one gone by then."""
    found = process_cpu_seconds(children_of(pid))
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return found
    return {**found, -pid: (int(fields[13]) + int(fields[14])) / _clock_ticks()}


def cpu_spent(before: dict[int, float], after: dict[int, float]) -> float:
    """The CPU the processes alive at the end spent since `before` (a process started since, all of its own)."""
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


def children_of(pid: int) -> list[int]:
    found = [pid]
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            continue
    return found


def _clock_ticks() -> int:
    import os

    return os.sysconf("SC_CLK_TCK")
