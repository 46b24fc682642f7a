"""A real PostgreSQL for the tests, from the first source that answers:

1. `TESSERA_TEST_POSTGRES_URL`, a server someone already runs;
2. testcontainers, when a Docker engine answers;
3. a throwaway cluster from the local PostgreSQL binaries (`initdb`/`pg_ctl`), run as the
   `postgres` user when the tests run as root, on a free port on 127.0.0.1 (tests.support.ports:
   started again on another port if the one picked was taken before it bound).

If none answers, the tests that need PostgreSQL fail: they are never skipped.
"""

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from tests.support.ports import PortTaken, on_a_free_port

POSTGRES_IMAGE = "postgres:16-alpine"


class PostgresUnavailable(RuntimeError):
    pass


@contextlib.contextmanager
def running_postgres() -> Iterator[str]:
    """Yields an asyncpg URL of an empty database, and tears down whatever it started."""
    if url := os.environ.get("TESSERA_TEST_POSTGRES_URL"):
        yield url
        return
    if _docker_answers():
        with _container() as url:
            yield url
        return
    with _local_cluster() as url:
        yield url


def _docker_answers() -> bool:
    try:
        import docker

        client = docker.from_env(timeout=3)
        client.ping()
        client.close()
        return True
    except Exception:  # any failure means "no engine here", and the next source is tried
        return False


@contextlib.contextmanager
def _container() -> Iterator[str]:
    from testcontainers.postgres import PostgresContainer

    with PostgresContainer(POSTGRES_IMAGE, driver="asyncpg") as container:
        yield container.get_connection_url()


def _binaries() -> Path:
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), reverse=True)
    if versions:
        return versions[0].parent
    raise PostgresUnavailable(
        "No PostgreSQL for the tests: set TESSERA_TEST_POSTGRES_URL, start a Docker engine, "
        "or install the server binaries (apt-get install postgresql)."
    )


@contextlib.contextmanager
def _local_cluster() -> Iterator[str]:
    bin_dir = _binaries()
    as_root = os.geteuid() == 0
    root = Path(tempfile.mkdtemp(prefix="tessera-pg-"))
    data, sockets = root / "data", root / "sockets"
    sockets.mkdir()
    if as_root:
        account = pwd.getpwnam("postgres")
        for path in (root, sockets):
            os.chown(path, account.pw_uid, account.pw_gid)

    def run(*args: str) -> None:
        command = [str(bin_dir / args[0]), *args[1:]]
        if as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
        if result.returncode != 0:
            raise PostgresUnavailable(f"{args[0]} failed: {result.stderr.strip() or result.stdout.strip()}")

    def start(port: int) -> int:
        options = (
            f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        log = root / f"server-{port}.log"
        try:
            run("pg_ctl", "-D", str(data), "-l", str(log), "-o", options, "-w", "-t", "60", "start")
        except PostgresUnavailable:
            raise_if_port_taken(log.read_text(errors="replace") if log.exists() else "")
            raise
        return port

    try:
        run("initdb", "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync")
        port = on_a_free_port(start)
        _wait_for(port)
        yield f"postgresql+asyncpg://postgres@127.0.0.1:{port}/postgres"
    finally:
        with contextlib.suppress(PostgresUnavailable, subprocess.TimeoutExpired):
            if data.exists():
                run("pg_ctl", "-D", str(data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(root, ignore_errors=True)


def raise_if_port_taken(server_log: str) -> None:
    """PortTaken if PostgreSQL's log says it could not bind its port (`pg_ctl -w` then fails)."""
    if "address already in use" in server_log.lower():
        raise PortTaken(server_log)


def _wait_for(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return
        time.sleep(0.1)
    raise PostgresUnavailable(f"PostgreSQL did not accept connections on port {port}")
