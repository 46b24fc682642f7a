from types import TracebackType
from typing import Self

from adapters.memory.in_memory_login_failure_repository import InMemoryLoginFailureRepository
from adapters.memory.in_memory_password_reset_repository import InMemoryPasswordResetRepository
from adapters.memory.in_memory_session_repository import InMemorySessionRepository
from adapters.memory.in_memory_signing_key_repository import InMemorySigningKeyRepository
from adapters.memory.in_memory_store import InMemoryStore, InMemoryTables
from adapters.memory.in_memory_user_repository import InMemoryUserRepository
from application.event_recorder import NOWHERE, EventRecorder
from application.ports.event_dispatcher import EventDispatcher, RecordedEvent
from application.ports.unit_of_work import UnitOfWork


class InMemoryUnitOfWork(UnitOfWork):
    """Works on a private copy of the store under the store's lock: serializable, and a unit
    of work left without `commit` leaves the store exactly as it found it."""

    def __init__(self, store: InMemoryStore, dispatcher: EventDispatcher = NOWHERE) -> None:
        self._store = store
        self._working = InMemoryTables()
        self._events = EventRecorder(dispatcher)

    async def __aenter__(self) -> Self:
        await self._store.lock.acquire()
        self._bind(self._store.tables.copy())
        self._events.opened()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._working = InMemoryTables()
        self._store.lock.release()
        self._events.closed()

    async def commit(self) -> None:
        self._store.tables = self._working
        self._bind(self._working.copy())
        self._events.committed()

    def record(self, event: RecordedEvent) -> None:
        self._events.record(event)

    def _bind(self, working: InMemoryTables) -> None:
        self._working = working
        self.users = InMemoryUserRepository(working)
        self.sessions = InMemorySessionRepository(working)
        self.login_failures = InMemoryLoginFailureRepository(working)
        self.signing_keys = InMemorySigningKeyRepository(working)
        self.password_resets = InMemoryPasswordResetRepository(working)
