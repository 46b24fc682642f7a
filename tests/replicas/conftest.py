"""Replicas of `tessera serve` over one database: a PostgreSQL cluster of this folder's own, which tests
may stop and start, or a highly available tier (deploy/local_ha.py: etcd, Patroni over two PostgreSQL
nodes in synchronous replication, HAProxy to the primary).

The cluster is made once per run and migrated with `tessera db upgrade`; every test starts from
empty tables. The HA tier is started once a module, migrated once, with two replicas shared by the
failover tests of the module. The key-encryption key is drawn afresh and never written down. When a
test fails, the log of each replica it used, the server's and the tier's are shown under its report;
every measurement is listed at the end of the run.
"""

import base64
import secrets
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from deploy.local_ha import HaDatabase, ha_database
from deploy.local_pgbouncer import transaction_pooler
from deploy.local_postgres import ClusterFailed
from tests.replicas.flows import Measure
from tests.replicas.ledger import empty_every_table
from tests.replicas.replicas import Replica, ReplicaSet, tessera, tessera_environment
from tests.support.pg_cluster import PostgresCluster, local_cluster
from tests.support.postgres import PostgresUnavailable

LOG_TAIL_CHARS = 20_000
TIER_LOG_TAIL_CHARS = 6_000
PYCACHE = Path(tempfile.gettempdir()) / "tessera-scale-pycache"
"""Bytecode of every replica and command, kept between runs (each file is checked against its source)."""
MEASURED: list[tuple[str, str, str]] = []
START_ATTEMPTS = 2
FAILOVER_SETTINGS = {
    # Long-lived access tokens: the verified requests of a test use one token throughout.
    "TESSERA_ACCESS_TTL_SECONDS": "600",
    # Longer than any failover window: a refresh whose commit reached the standby but whose answer was
    # lost in the crash is retried after the window, and must meet the grace, not reuse detection.
    "TESSERA_REFRESH_GRACE_SECONDS": "30",
}


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


@pytest.fixture(scope="module")
def ha() -> Iterator[HaDatabase]:
    """The tier, started afresh (new directory, new ports) once more when it fails to form: it is
    three programs over seven ports, and one bootstrap of Patroni may fail where the next succeeds.
    The logs of a failed start are printed either way."""
    for attempt in range(1, START_ATTEMPTS + 1):
        run = Path(tempfile.mkdtemp(prefix="tessera-ha-"))
        run.chmod(0o711)  # the postgres account goes through it
        tier = ha_database(run)
        try:
            database = tier.__enter__()
            break
        except ClusterFailed as error:
            print(f"--- the HA tier did not start (attempt {attempt} of {START_ATTEMPTS}): {error}")
            _show_logs(run)
            shutil.rmtree(run, ignore_errors=True)
            if attempt == START_ATTEMPTS:
                pytest.fail(f"the HA tests need etcd, Patroni and HAProxy (.ci/ensure-ha): {error}", pytrace=False)
    try:
        yield database
    finally:
        tier.__exit__(None, None, None)
        shutil.rmtree(run, ignore_errors=True)


@pytest.fixture(scope="module")
def ha_env(ha: HaDatabase, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The replicas' environment over HAProxy's primary port (one key-encryption key for the module);
    the schema migrated with it once."""
    env = tessera_environment(ha.url, base64.b64encode(secrets.token_bytes(32)).decode(), PYCACHE)
    env.update(FAILOVER_SETTINGS)
    upgrade = tessera("db", "upgrade", env=env, cwd=tmp_path_factory.mktemp("ha-migrate"))
    assert upgrade.returncode == 0, upgrade.stderr
    return env


@pytest.fixture(scope="module")
def ha_replicas(ha_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[Replica]]:
    """Two replicas (each `tessera serve` with its default workers) over HAProxy's primary port."""
    started = ReplicaSet(ha_env, tmp_path_factory.mktemp("ha-replicas"))
    try:
        yield started(2)
    finally:
        started.stop()


@pytest.fixture
def pooled_ha_replicas(ha: HaDatabase, ha_env: dict[str, str], tmp_path: Path) -> Iterator[list[Replica]]:
    """Two replicas through pgbouncer (transaction pooling) in front of HAProxy, as compose.ha.yaml
    runs them; their change listeners on HAProxy directly."""
    run = Path(tempfile.mkdtemp(prefix="tessera-ha-pgbouncer-"))
    run.chmod(0o711)
    try:
        with transaction_pooler(run, ha.haproxy_port) as pooled_url:
            env = {**ha_env, "TESSERA_DATABASE_URL": pooled_url, "TESSERA_LISTEN_DATABASE_URL": ha.url}
            started = ReplicaSet(env, tmp_path)
            try:
                yield started(2)
            finally:
                started.stop()
    finally:
        shutil.rmtree(run, ignore_errors=True)


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
    if isinstance(database := funcargs.get("ha"), HaDatabase):
        for log in sorted(database.root.glob("**/*.log")):
            text = log.read_text(errors="replace")
            report.sections.append((str(log.relative_to(database.root)), _tail(text, TIER_LOG_TAIL_CHARS)))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if MEASURED:
        terminalreporter.section("tessera replicas: measured")
        for test, name, value in MEASURED:
            terminalreporter.write_line(f"{test}: {name} = {value}")


def _show_logs(run: Path) -> None:
    for log in sorted(run.glob("**/*.log")):
        print(f"--- {log}\n{_tail(log.read_text(errors='replace'), TIER_LOG_TAIL_CHARS)}")


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


def _tail(text: str, chars: int = LOG_TAIL_CHARS) -> str:
    return text if len(text) <= chars else "…" + text[-chars:]
