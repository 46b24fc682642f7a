"""Every repository contract runs, unchanged, against every storage adapter: tessera's own, and one
from outside named by `--storage-adapter=package.module:factory` (or the TESSERA_CONTRACT_ADAPTER
variable). The factory is called with an empty directory of its own for each test and the event
dispatcher its units of work must hand their events to, and returns an async context manager that
yields the unit-of-work factory over an empty store and cleans up on exit; its refresh rotation is then
the one built from its repositories (`UnitOfWorkRefreshRotations`).
That adapter's runs are marked `storage_adapter`: `-m storage_adapter` runs only them. Every run over
the contract `store` is marked `contract`."""

import functools
import importlib
import os
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from pathlib import Path

import pytest

from adapters.memory.in_memory_store import InMemoryStore
from adapters.memory.in_memory_unit_of_work import InMemoryUnitOfWork
from adapters.sql.database import create_engine, session_factory
from adapters.sql.sql_refresh_rotations import sql_refresh_rotations
from adapters.sql.sql_unit_of_work import SqlUnitOfWork
from application.ports.event_dispatcher import EventDispatcher
from application.ports.refresh_rotations import RefreshRotations
from application.ports.unit_of_work import UnitOfWork
from application.unit_of_work_refresh_rotations import UnitOfWorkRefreshRotations
from tests.support.heard import Heard

UnitOfWorkFactory = Callable[[], UnitOfWork]
AdapterFactory = Callable[[Path, EventDispatcher], AbstractAsyncContextManager[UnitOfWorkFactory]]
ADAPTER_VARIABLE = "TESSERA_CONTRACT_ADAPTER"
OWN_ADAPTERS = [
    pytest.param("memory", marks=pytest.mark.contract),
    pytest.param("sqlite", marks=pytest.mark.contract),
    pytest.param("postgres", marks=[pytest.mark.postgres, pytest.mark.contract]),
]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--storage-adapter",
        metavar="MODULE:FACTORY",
        help=f"also run the storage contracts against this adapter factory (default: ${ADAPTER_VARIABLE})",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "storage_adapter: a contract run against the adapter of --storage-adapter")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Every test over this module's `store` (not a test module's own fixture of that name), in whichever
    capability's folder it sits, runs on every adapter and is marked `contract`: `-m contract` is the suite."""
    definitions = metafunc._arg2fixturedefs.get("store", ())  # the closest definition is the last
    if not definitions or definitions[-1].func.__module__ != __name__:
        return
    spec = metafunc.config.getoption("storage_adapter", default=None) or os.environ.get(ADAPTER_VARIABLE)
    marks = [pytest.mark.storage_adapter, pytest.mark.contract]
    external = [pytest.param(adapter_factory(spec), id="external", marks=marks)] if spec else []
    metafunc.parametrize("store", [*OWN_ADAPTERS, *external], indirect=True)


def adapter_factory(spec: str) -> AdapterFactory:
    module, _, name = spec.partition(":")
    try:
        factory: AdapterFactory = getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError, ValueError) as error:
        raise pytest.UsageError(f"--storage-adapter={spec}: not an importable module:factory ({error})") from None
    return factory


@pytest.fixture
def heard() -> Heard:
    return Heard()


@dataclass(frozen=True, slots=True)
class Store:
    """One empty store, as each adapter's ports reach it."""

    new_uow: UnitOfWorkFactory
    rotations: RefreshRotations


@pytest.fixture
async def store(request: pytest.FixtureRequest, tmp_path: Path, heard: Heard) -> AsyncIterator[Store]:
    if request.param == "memory":
        new_uow = functools.partial(InMemoryUnitOfWork, InMemoryStore(), heard.dispatcher)
        yield Store(new_uow, UnitOfWorkRefreshRotations(new_uow))
        return
    if callable(request.param):  # the adapter of --storage-adapter: its rotation built from its repositories
        workdir = tmp_path / "storage-adapter"
        workdir.mkdir()
        async with request.param(workdir, heard.dispatcher) as factory:
            yield Store(factory, UnitOfWorkRefreshRotations(factory))
        return
    url = request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "clean_postgres_url")
    engine = create_engine(url)
    sessions = session_factory(engine)
    yield Store(lambda: SqlUnitOfWork(sessions, heard.dispatcher), sql_refresh_rotations(engine, sessions))
    await engine.dispose()


@pytest.fixture
def new_uow(store: Store) -> UnitOfWorkFactory:
    return store.new_uow


@pytest.fixture
def rotations(store: Store) -> RefreshRotations:
    return store.rotations
