"""A highly available database tier (deploy/local_ha.py: etcd, Patroni over two PostgreSQL nodes in
synchronous replication, HAProxy to the primary), migrated once, and two `tessera serve` replicas
over it, shared by the failover tests of a module. The logs of the tier and the replicas are shown
under a failed test's report; every measurement is listed at the end of the run."""

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
from tests.scale.flows import Measure
from tests.scale.replicas import Replica, ReplicaSet, tessera, tessera_environment

PYCACHE = Path(tempfile.gettempdir()) / "tessera-scale-pycache"
LOG_TAIL_CHARS = 6_000
START_ATTEMPTS = 2
MEASURED: list[tuple[str, str, str]] = []
FAILOVER_SETTINGS = {
    # Long-lived access tokens: the verified requests of a test use one token throughout.
    "TESSERA_ACCESS_TTL_SECONDS": "600",
    # Longer than any failover window: a refresh whose commit reached the standby but whose answer was
    # lost in the crash is retried after the window, and must meet the grace, not reuse detection.
    "TESSERA_REFRESH_GRACE_SECONDS": "30",
}


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
    for replica in [*funcargs.get("ha_replicas", []), *funcargs.get("pooled_ha_replicas", [])]:
        report.sections.append((f"replica {replica.name} log", _tail(replica.log())))
    if isinstance(database := funcargs.get("ha"), HaDatabase):
        for log in sorted(database.root.glob("**/*.log")):
            report.sections.append((str(log.relative_to(database.root)), _tail(log.read_text(errors="replace"))))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if MEASURED:
        terminalreporter.section("tessera HA: measured")
        for test, name, value in MEASURED:
            terminalreporter.write_line(f"{test}: {name} = {value}")


def _show_logs(run: Path) -> None:
    for log in sorted(run.glob("**/*.log")):
        print(f"--- {log}\n{_tail(log.read_text(errors='replace'))}")


def _tail(text: str) -> str:
    return text if len(text) <= LOG_TAIL_CHARS else "…" + text[-LOG_TAIL_CHARS:]
