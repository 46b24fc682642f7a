"""A throwaway local PostgreSQL cluster that a test can stop and start again, to stage an outage.

Made like `tests.support.postgres._local_cluster` (initdb/pg_ctl, run as `postgres` when the tests
run as root, listening on 127.0.0.1 only), but kept on one fixed port across restarts, so that the
services under test find it again at the same address without being told.
"""

import contextlib
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from deploy.ports import free_port
from tests.support.ports import on_a_free_port
from tests.support.postgres import PostgresUnavailable, _binaries, _wait_for, raise_if_port_taken


class PostgresCluster:
    def __init__(self, root: Path, port: int, settings: dict[str, str] | None = None) -> None:
        self._bin = _binaries()
        self.settings = settings or {}
        """Server settings passed at start after the defaults below, which they override."""
        self._as_root = os.geteuid() == 0
        self.root = root
        self.port = port
        self.data = root / "data"
        self.log_path = root / "server.log"
        self._sockets = root / "sockets"

    @property
    def url(self) -> str:
        """The URL tessera is configured with (its config turns `postgresql://` into asyncpg's dialect)."""
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    @property
    def running(self) -> bool:
        return self._pg_ctl("status", check=False).returncode == 0

    def create(self) -> None:
        self._sockets.mkdir(parents=True, exist_ok=True)
        if self._as_root:
            account = pwd.getpwnam("postgres")
            for path in (self.root, self._sockets):
                os.chown(path, account.pw_uid, account.pw_gid)
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync")

    def start(self) -> float:
        """Starts the server and waits until it accepts connections; the seconds that took."""
        began = time.monotonic()
        options = (
            f"-p {self.port} -k {self._sockets} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        ) + "".join(f" -c {name}={value}" for name, value in self.settings.items())
        self._pg_ctl("-l", str(self.log_path), "-o", options, "-w", "-t", "60", "start")
        _wait_for(self.port)
        return time.monotonic() - began

    def stop(self, mode: str = "fast", *, wait: bool = True) -> None:
        """`fast` ends every client connection and shuts down cleanly; `immediate` is a crash; `smart`
        refuses new connections ("the database system is shutting down") until the last client leaves.
        Without `wait`, returns as soon as the shutdown has begun."""
        self._pg_ctl("-m", mode, *(("-w", "-t", "60") if wait else ("-W",)), "stop")

    def wait_stopped(self, within: float = 60.0) -> None:
        deadline = time.monotonic() + within
        while self.running:
            if time.monotonic() > deadline:
                raise PostgresUnavailable(f"PostgreSQL did not stop within {within} s")
            time.sleep(0.1)

    def destroy(self) -> None:
        with contextlib.suppress(PostgresUnavailable, subprocess.TimeoutExpired):
            if self.data.exists() and self.running:
                self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)

    def server_log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def _pg_ctl(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return self._run("pg_ctl", "-D", str(self.data), *args, check=check)

    def _run(self, program: str, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        command = [str(self._bin / program), *args]
        if self._as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
        if check and result.returncode != 0:
            raise PostgresUnavailable(f"{program} {args[-1]} failed: {result.stderr.strip() or result.stdout.strip()}")
        return result


@contextlib.contextmanager
def local_cluster(settings: dict[str, str] | None = None) -> Iterator[PostgresCluster]:
    """A new cluster, started (with `settings` over the defaults); destroyed with its files on exit.
    Raises PostgresUnavailable."""
    # Not under pytest's tmp_path: the `postgres` account could not traverse root's 0700 folders.
    root = Path(tempfile.mkdtemp(prefix="tessera-pg-scale-"))
    try:
        cluster = PostgresCluster(root, free_port(), settings)
    except PostgresUnavailable:
        shutil.rmtree(root, ignore_errors=True)
        raise

    def first_start(port: int) -> None:
        """On `port` from now on; on another if it was taken before the server bound it."""
        cluster.port = port
        logged = len(cluster.server_log())
        try:
            cluster.start()
        except PostgresUnavailable:
            raise_if_port_taken(cluster.server_log()[logged:])
            raise

    try:
        cluster.create()
        on_a_free_port(first_start)
        yield cluster
    finally:
        cluster.destroy()
