"""A pgbouncer in transaction pooling in front of a PostgreSQL port (Debian's `pgbouncer`, installed
when missing and we may), on 127.0.0.1, run as the `postgres` account when we are root (pgbouncer
refuses to run as root). Its URL carries `?pooler=pgbouncer`, which turns tessera's statement
caches off (adapters/sql/postgres_pooler.py)."""

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

from deploy.ha_settings import pgbouncer_config
from deploy.local_postgres import ClusterFailed
from deploy.packages import install_when_missing
from deploy.ports import free_port


@contextlib.contextmanager
def transaction_pooler(directory: Path, server_port: int, pool_size: int = 20) -> Iterator[str]:
    """pgbouncer in `directory/pgbouncer`, pooling connections to `server_port`; its tessera URL."""
    install_when_missing(lambda: shutil.which("pgbouncer") is not None, "pgbouncer")
    if shutil.which("pgbouncer") is None:
        raise ClusterFailed("no pgbouncer: apt-get install pgbouncer")
    root, port = directory / "pgbouncer", free_port()
    root.mkdir()
    (root / "userlist.txt").write_text('"postgres" ""\n')
    (root / "pgbouncer.ini").write_text(
        pgbouncer_config(port=port, server_port=server_port, directory=root, pool_size=pool_size)
    )
    account = pwd.getpwnam("postgres") if os.geteuid() == 0 else None
    if account is not None:
        for path in (root, *root.iterdir()):
            os.chown(path, account.pw_uid, account.pw_gid)
    process = subprocess.Popen(
        ["pgbouncer", str(root / "pgbouncer.ini")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        user=account.pw_uid if account else None,
        group=account.pw_gid if account else None,
        extra_groups=[] if account else None,
    )
    try:
        _wait_listening(port, process, root / "pgbouncer.log")
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres?pooler=pgbouncer"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def _wait_listening(port: int, process: subprocess.Popen[bytes], log: Path, within: float = 30.0) -> None:
    deadline = time.monotonic() + within
    while True:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return
        if process.poll() is not None or time.monotonic() > deadline:
            said = log.read_text(errors="replace").strip() if log.exists() else ""
            raise ClusterFailed(f"pgbouncer did not listen on {port}: {said[-2000:]}")
        time.sleep(0.1)
