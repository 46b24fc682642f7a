"""A throwaway PostgreSQL for `just cluster`: a new cluster from the local server binaries (Debian's
`postgresql`, installed when missing and we may install), on 127.0.0.1 only, trusting local
connections, run as the `postgres` account when we are root. Made like tests/support/pg_cluster.py."""

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

from deploy.packages import install_when_missing


class ClusterFailed(RuntimeError):
    """A program of the cluster could not start, or failed: the message says which, and why."""


def server_binaries() -> Path:
    def found() -> Path | None:
        if initdb := shutil.which("initdb"):
            return Path(initdb).resolve().parent
        versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), reverse=True)
        return versions[0].parent if versions else None

    install_when_missing(lambda: found() is not None, "postgresql")
    if (directory := found()) is None:
        raise ClusterFailed("no PostgreSQL server binaries (initdb, pg_ctl): apt-get install postgresql")
    return directory


@contextlib.contextmanager
def throwaway_postgres(directory: Path, port: int) -> Iterator[str]:
    """A started cluster in `directory/postgres` listening on `port`; its URL. Stopped on exit."""
    binaries = server_binaries()
    as_root = os.geteuid() == 0
    root, sockets = directory / "postgres", directory / "postgres" / "sockets"
    data = root / "data"
    sockets.mkdir(parents=True)
    if as_root:
        account = pwd.getpwnam("postgres")
        for path in (root, sockets):
            os.chown(path, account.pw_uid, account.pw_gid)

    def run(program: str, *args: str) -> None:
        command = [str(binaries / program), *args]
        if as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
        if result.returncode != 0:
            raise ClusterFailed(f"{program} failed: {(result.stderr or result.stdout).strip()}")

    run("initdb", "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync")
    options = f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c max_connections=200"
    try:
        run("pg_ctl", "-D", str(data), "-l", str(root / "server.log"), "-o", options, "-w", "-t", "60", "start")
        _wait_for(port)
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        with contextlib.suppress(ClusterFailed, subprocess.TimeoutExpired):
            if (data / "postmaster.pid").exists():
                run("pg_ctl", "-D", str(data), "-m", "fast", "-w", "-t", "60", "stop")


def _wait_for(port: int, within: float = 30.0) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return
        time.sleep(0.1)
    raise ClusterFailed(f"PostgreSQL did not accept connections on port {port}")
