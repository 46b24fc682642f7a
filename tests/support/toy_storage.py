"""A toy storage adapter written the way one outside tessera would be, to prove the adapter recipe of
docs/jwt-implementation-design.md §9: the tables live in one pickle file, read when a unit of work
begins and replaced (atomically) when it commits. Nothing is kept in the process between units of
work, so two processes on one file see each other's commits; a lock file serialises them.

It reuses the in-memory repositories over the tables it unpickled: what it owns is the unit of work
(persistence, isolation, the events it records), its health check, its provider and its registry entry."""

import asyncio
import fcntl
import os
import pickle
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from types import TracebackType
from typing import IO, Self
from urllib.parse import urlsplit

from dishka import Scope, provide

from adapters.memory.in_memory_login_failure_repository import InMemoryLoginFailureRepository
from adapters.memory.in_memory_password_reset_repository import InMemoryPasswordResetRepository
from adapters.memory.in_memory_session_repository import InMemorySessionRepository
from adapters.memory.in_memory_signing_key_repository import InMemorySigningKeyRepository
from adapters.memory.in_memory_store import InMemoryTables
from adapters.memory.in_memory_user_repository import InMemoryUserRepository
from application.event_recorder import NOWHERE, EventRecorder
from application.ports.event_dispatcher import EventDispatcher, RecordedEvent
from application.ports.storage_health import StorageHealth
from application.ports.unit_of_work import UnitOfWork, UnitOfWorkFactory
from entrypoints.backends.backend import StorageBackend, StorageProvider


class PickleFileStore:
    """The file, and the lock that queues this process's units of work before they take the file lock."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lock = asyncio.Lock()

    def read(self) -> InMemoryTables:
        if not self.path.exists():
            return InMemoryTables()
        with self.path.open("rb") as file:
            return pickle.load(file)  # type: ignore[no-any-return]  # noqa: S301  (this adapter's own file)

    def write(self, tables: InMemoryTables) -> None:
        temporary = self.path.with_suffix(".tmp")
        with temporary.open("wb") as file:
            pickle.dump(tables, file)
            file.flush()
            os.fsync(file.fileno())
        temporary.replace(self.path)


class PickleFileUnitOfWork(UnitOfWork):
    def __init__(self, store: PickleFileStore, dispatcher: EventDispatcher = NOWHERE) -> None:
        self._store = store
        self._file_lock: IO[bytes] | None = None
        self._events = EventRecorder(dispatcher)

    async def __aenter__(self) -> Self:
        await self._store.lock.acquire()
        self._file_lock = await asyncio.to_thread(self._lock_file)
        self._bind(self._store.read())
        self._events.opened()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._bind(InMemoryTables())  # what was not committed is dropped
        if self._file_lock is not None:
            self._file_lock.close()  # closing releases the flock
            self._file_lock = None
        self._store.lock.release()
        self._events.closed()

    async def commit(self) -> None:
        self._store.write(self._tables)
        self._bind(self._store.read())
        self._events.committed()

    def record(self, event: RecordedEvent) -> None:
        self._events.record(event)

    def _lock_file(self) -> IO[bytes]:
        lock = self._store.path.with_suffix(".lock").open("ab")
        fcntl.flock(lock, fcntl.LOCK_EX)
        return lock

    def _bind(self, tables: InMemoryTables) -> None:
        self._tables = tables
        self.users = InMemoryUserRepository(tables)
        self.sessions = InMemorySessionRepository(tables)
        self.login_failures = InMemoryLoginFailureRepository(tables)
        self.signing_keys = InMemorySigningKeyRepository(tables)
        self.password_resets = InMemoryPasswordResetRepository(tables)


class ForgetfulUnitOfWork(PickleFileUnitOfWork):
    """A broken adapter, for proving that the contract suite fails one: it never writes a commit."""

    async def commit(self) -> None:
        self._bind(self._store.read())


class PickleFileStorageHealth(StorageHealth):
    def __init__(self, store: PickleFileStore) -> None:
        self._store = store

    async def reachable(self) -> bool:
        return self._store.path.parent.is_dir()


class PickleFileStorageProvider(StorageProvider):
    @provide(scope=Scope.APP)
    def store(self) -> PickleFileStore:
        return PickleFileStore(Path(urlsplit(self.url).path))

    uow = provide(PickleFileUnitOfWork, provides=UnitOfWork, scope=Scope.REQUEST)

    @provide(scope=Scope.APP)
    def new_uow(self, store: PickleFileStore, dispatcher: EventDispatcher) -> UnitOfWorkFactory:
        return lambda: PickleFileUnitOfWork(store, dispatcher)

    health = provide(PickleFileStorageHealth, provides=StorageHealth, scope=Scope.APP)


# The registry entry: `pickle:///absolute/path/store.pickle`, no schema, shared by processes.
PICKLE_FILE_BACKEND = StorageBackend("the pickle file store", {"pickle": "pickle"}, PickleFileStorageProvider)


@asynccontextmanager
async def make_unit_of_work(workdir: Path, dispatcher: EventDispatcher) -> AsyncIterator[Callable[[], UnitOfWork]]:
    """The contract suite's entry point: `--storage-adapter=tests.support.toy_storage:make_unit_of_work`."""
    store = PickleFileStore(workdir / "store.pickle")
    yield lambda: PickleFileUnitOfWork(store, dispatcher)


@asynccontextmanager
async def make_forgetful_unit_of_work(
    workdir: Path, dispatcher: EventDispatcher
) -> AsyncIterator[Callable[[], UnitOfWork]]:
    store = PickleFileStore(workdir / "store.pickle")
    yield lambda: ForgetfulUnitOfWork(store, dispatcher)
