"""Every repository contract runs, unchanged, against every storage adapter: tessera's own, and one
from outside named by `--storage-adapter=package.module:factory` (or the TESSERA_CONTRACT_ADAPTER
variable). The factory is called with an empty directory of its own for each test and the event
dispatcher its units of work must hand their events to, and returns an async context manager that
yields the unit-of-work factory over an empty store and cleans up on exit.
That adapter's runs are marked `storage_adapter`: `-m storage_adapter` runs only them. Every run over
`new_uow` is marked `contract`."""

import importlib
import os
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path

import pytest

from adapters.memory.in_memory_store import InMemoryStore
from adapters.memory.in_memory_unit_of_work import InMemoryUnitOfWork
from adapters.sql.database import create_engine, session_factory
from adapters.sql.sql_unit_of_work import SqlUnitOfWork
from application.ports.event_dispatcher import EventDispatcher
from application.ports.unit_of_work import UnitOfWork
from tests.support.heard import Heard

UnitOfWorkFactory = Callable[[], UnitOfWork]
AdapterFactory = Callable[[Path, EventDispatcher], AbstractAsyncContextManager[UnitOfWorkFactory]]
ADAPTER_VARIABLE = "TESSERA_CONTRACT_ADAPTER"
OWN_ADAPTERS = ["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--storage-adapter",
        metavar="MODULE:FACTORY",
        help=f"also run the storage contracts against this adapter factory (default: ${ADAPTER_VARIABLE})",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "storage_adapter: a contract run against the adapter of --storage-adapter")


@pytest.hookimpl(tryfirst=True)  # before `-m` selects
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The contract suite is every test over `new_uow`, in whichever capability's folder it sits: `-m contract`."""
    for item in items:
        if "new_uow" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.contract)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "new_uow" not in metafunc.fixturenames:
        return
    spec = metafunc.config.getoption("storage_adapter", default=None) or os.environ.get(ADAPTER_VARIABLE)
    external = [pytest.param(adapter_factory(spec), id="external", marks=pytest.mark.storage_adapter)] if spec else []
    metafunc.parametrize("new_uow", [*OWN_ADAPTERS, *external], indirect=True)


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


@pytest.fixture
async def new_uow(request: pytest.FixtureRequest, tmp_path: Path, heard: Heard) -> AsyncIterator[UnitOfWorkFactory]:
    if request.param == "memory":
        store = InMemoryStore()
        yield lambda: InMemoryUnitOfWork(store, heard.dispatcher)
        return
    if callable(request.param):  # the adapter of --storage-adapter
        workdir = tmp_path / "storage-adapter"
        workdir.mkdir()
        async with request.param(workdir, heard.dispatcher) as factory:
            yield factory
        return
    url = request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "clean_postgres_url")
    engine = create_engine(url)
    sessions = session_factory(engine)
    yield lambda: SqlUnitOfWork(sessions, heard.dispatcher)
    await engine.dispose()
