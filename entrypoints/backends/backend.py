"""What a storage backend is, for the registry in entrypoints/backends/registry.py: its URL schemes, its
provider, its schema or none, whether processes share it, and who hears of its changes. A new
backend's provider subclasses `StorageProvider` in a module of its own, which the registry imports."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from dishka import Provider, Scope, provide

from adapters.process.unix_socket_sibling_workers import UnixSocketSiblingWorkers
from application.ports.change_listener import ChangeListener
from application.ports.profile_reader import ProfileReader
from application.ports.refresh_rotations import RefreshRotations
from application.ports.unit_of_work import UnitOfWorkFactory
from application.unit_of_work_profile_reader import UnitOfWorkProfileReader
from application.unit_of_work_refresh_rotations import UnitOfWorkRefreshRotations


@dataclass(frozen=True, slots=True)
class Schema:
    """A backend's migrations: `pending(url)` describes the gap (None when up to date), `upgrade(url)` closes it."""

    upgrade: Callable[[str], None]
    pending: Callable[[str], str | None]


def _no_listeners(url: str) -> list[ChangeListener]:
    return []


def _as_given(url: str) -> str:
    return url


@dataclass(frozen=True, slots=True)
class StorageBackend:
    name: str  # as the CLI's messages name it
    schemes: Mapping[str, str]  # each URL scheme accepted, and the scheme tessera rewrites it to
    provider: type["StorageProvider"]
    schema: Schema | None = None  # None: nothing to migrate, `db upgrade` and `serve` run no Alembic
    shared: bool = True  # False: the store lives in one process (no `--workers` above 1, no CLI beside it)
    listeners: Callable[[str], list[ChangeListener]] = field(default=_no_listeners)  # other replicas' changes
    normalise: Callable[[str], str] = field(default=_as_given)  # its URL's parameters as the backend reads them


class StorageProvider(Provider):
    """Every backend's provider is built for one URL and supplies `UnitOfWork` (REQUEST scope),
    `UnitOfWorkFactory` and `StorageHealth` (APP scope); `ProfileReader` and `RefreshRotations` it may
    replace. The change listeners come from its backend: the sibling workers of a shared store, plus
    whatever the backend hears from other replicas."""

    def __init__(self, url: str, backend: StorageBackend, listen_url: str | None, pool_size: int) -> None:
        super().__init__()
        self.url = url
        self.pool_size = pool_size  # connections a process keeps, where the backend pools them
        self._backend = backend
        self._listen_url = listen_url or url

    @provide(scope=Scope.APP)
    def profile_reader(self, new_uow: UnitOfWorkFactory) -> ProfileReader:
        """A backend's provider may replace it (by this name) with a reader that needs no unit of work."""
        return UnitOfWorkProfileReader(new_uow)

    @provide(scope=Scope.APP)
    def refresh_rotations(self, new_uow: UnitOfWorkFactory) -> RefreshRotations:
        """Built from the repositories; a backend's provider may replace it (by this name) with its own."""
        return UnitOfWorkRefreshRotations(new_uow)

    @provide(scope=Scope.APP)
    def listeners(self, siblings: UnixSocketSiblingWorkers) -> list[ChangeListener]:
        if not self._backend.shared:
            return []  # one process holds the whole store: nobody else changes it
        return [siblings, *self._backend.listeners(self._listen_url)]
