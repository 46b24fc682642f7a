"""Replicas of `tessera serve` over one PostgreSQL cluster of this folder's own, which tests may stop and start.

The cluster is made once per run and migrated with `tessera db upgrade`; every test starts from
empty tables. The key-encryption key is drawn afresh for each run and never written down. When a
test fails, the log of each replica it used, and the server's, are shown under its report.
"""

import base64
import secrets
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.scale.flows import Measure
from tests.scale.ledger import empty_every_table
from tests.scale.replicas import Replica, ReplicaSet, tessera, tessera_environment
from tests.support.pg_cluster import PostgresCluster, local_cluster
from tests.support.postgres import PostgresUnavailable

LOG_TAIL_CHARS = 20_000
PYCACHE = Path(tempfile.gettempdir()) / "tessera-scale-pycache"
"""Bytecode of every replica and command, kept between runs (each file is checked against its source)."""
MEASURED: list[tuple[str, str, str]] = []


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[PostgresCluster]:
    """Unavailable means failed, never skipped."""
    server = local_cluster()
    try:
        cluster = server.__enter__()
    except PostgresUnavailable as error:
        pytest.fail(f"the scale tests need the local PostgreSQL binaries: {error}", pytrace=False)
    try:
        yield cluster
    finally:
        server.__exit__(None, None, None)


@pytest.fixture(scope="session")
def tessera_env(postgres_cluster: PostgresCluster, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The environment of every replica and command; the schema is migrated with it once."""
    key_encryption_key = base64.b64encode(secrets.token_bytes(32)).decode()
    env = tessera_environment(postgres_cluster.url, key_encryption_key, PYCACHE)
    upgrade = tessera("db", "upgrade", env=env, cwd=tmp_path_factory.mktemp("migrate"))
    assert upgrade.returncode == 0, upgrade.stderr
    return env


@pytest.fixture
def database(postgres_cluster: PostgresCluster, tessera_env: dict[str, str]) -> PostgresCluster:
    return _emptied(postgres_cluster)


@pytest.fixture
def replicas(database: PostgresCluster, tessera_env: dict[str, str], tmp_path: Path) -> Iterator[ReplicaSet]:
    """`replicas(n)`: n replicas, each ready; all stopped (terminate, then kill) after the test."""
    started = ReplicaSet(tessera_env, tmp_path)
    try:
        yield started
    finally:
        started.stop()


@pytest.fixture(scope="module")
def trio(
    postgres_cluster: PostgresCluster, tessera_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[list[Replica]]:
    """Three replicas A, B, C shared by the tests of a module, which then must not depend on each other's users."""
    _emptied(postgres_cluster)
    started = ReplicaSet(tessera_env, tmp_path_factory.mktemp("trio"))
    try:
        yield started(3)
    finally:
        started.stop()


@pytest.fixture
def measure(record_property: Callable[[str, object], None], request: pytest.FixtureRequest) -> Measure:
    """Records a measurement (in seconds unless told): in the JUnit properties, the output, the run's summary."""

    def record(name: str, value: float, unit: str = "s") -> None:
        shown = f"{value:.3f} s" if unit == "s" else f"{value:g} {unit}"
        record_property(name, value)
        print(f"{name}: {shown}")
        MEASURED.append((request.node.name, name, shown))

    return record


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    if not report.failed:
        return
    funcargs = getattr(item, "funcargs", {})
    for value in funcargs.values():
        for replica in _replicas_in(value):
            report.sections.append((f"replica {replica.name} log ({replica.log_path})", _tail(replica.log())))
    if isinstance(funcargs.get("database"), PostgresCluster):
        report.sections.append(("PostgreSQL server log", _tail(funcargs["database"].server_log())))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if MEASURED:
        terminalreporter.section("tessera scale: measured")
        for test, name, value in MEASURED:
            terminalreporter.write_line(f"{test}: {name} = {value}")


def _emptied(cluster: PostgresCluster) -> PostgresCluster:
    """Running (a test that stopped it may have failed before starting it again), with empty tables."""
    if not cluster.running:
        cluster.start()
    empty_every_table(cluster.url)
    return cluster


def _replicas_in(value: object) -> list[Replica]:
    if isinstance(value, ReplicaSet):
        return value.started
    if isinstance(value, Replica):
        return [value]
    if isinstance(value, list | tuple):
        return [item for item in value if isinstance(item, Replica)]
    return []


def _tail(text: str) -> str:
    return text if len(text) <= LOG_TAIL_CHARS else "…" + text[-LOG_TAIL_CHARS:]
