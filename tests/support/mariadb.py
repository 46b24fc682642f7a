"""Debian's MariaDB for the tests: a throwaway server in a temporary datadir, on 127.0.0.1 and a free
port (tests.support.ports), with its own socket; one database and one user with a password; stopped
and deleted after.

Installed by `.ci/ensure-mariadb` (which `just test` runs). Missing means the tests that need it
fail; they are never skipped. When the tests run as root, the server runs as the `mysql` user
(mariadbd refuses to run as root), which then owns the datadir.
"""

import contextlib
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.support.ports import PortTaken, ServerDidNotStart, listening, on_a_free_port

DATABASE = "tessera_legacy"
USER = "tessera"
ADMIN = "tessera_admin"
_READY = "ready for connections"


class MariaDbUnavailable(RuntimeError):
    pass


@dataclass(frozen=True, slots=True)
class MariaDb:
    url: str
    """`mysql+asyncmy://tessera:…@127.0.0.1:<port>/tessera_legacy`: all privileges on that database only."""
    admin_url: str
    """The same database as a user who may also create users and grant them privileges (with GRANT OPTION)."""


def _binary(*names: str) -> str | None:
    for name in names:
        found = shutil.which(name) or next(
            (str(path) for path in (Path("/usr/sbin") / name, Path("/usr/bin") / name) if path.exists()), None
        )
        if found:
            return found
    return None


@contextlib.contextmanager
def running_mariadb() -> Iterator[MariaDb]:
    """The server's URLs while it runs."""
    server = _binary("mariadbd", "mysqld")
    install = _binary("mariadb-install-db", "mysql_install_db")
    if server is None or install is None:
        raise MariaDbUnavailable("no mariadbd on PATH; run `bash .ci/ensure-mariadb` (apt-get install mariadb-server)")
    root = Path(tempfile.mkdtemp(prefix="tessera-mariadb-"))
    data = root / "data"
    as_root = os.geteuid() == 0
    account = ["--user=mysql"] if as_root else []
    try:
        if as_root:
            mysql = pwd.getpwnam("mysql")
            os.chown(root, mysql.pw_uid, mysql.pw_gid)
        created = subprocess.run(
            [install, "--no-defaults", f"--datadir={data}", *account, "--skip-test-db", "--skip-name-resolve"],
            capture_output=True,
            timeout=120,
            check=False,
        )
        if created.returncode != 0:
            raise MariaDbUnavailable(f"mariadb-install-db failed:\n{created.stdout.decode()}{created.stderr.decode()}")
        password, admin_password = secrets.token_hex(16), secrets.token_hex(16)
        init = root / "init.sql"
        init.write_text(
            f"CREATE DATABASE {DATABASE} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;\n"
            f"CREATE USER '{USER}'@'127.0.0.1' IDENTIFIED BY '{password}';\n"
            f"GRANT ALL ON {DATABASE}.* TO '{USER}'@'127.0.0.1';\n"
            f"CREATE USER '{ADMIN}'@'127.0.0.1' IDENTIFIED BY '{admin_password}';\n"
            f"GRANT ALL ON *.* TO '{ADMIN}'@'127.0.0.1' WITH GRANT OPTION;\n"
        )
        if as_root:
            os.chown(init, mysql.pw_uid, mysql.pw_gid)

        def start(port: int) -> tuple[subprocess.Popen[bytes], int]:
            log_path = root / f"server-{port}.log"
            command = [server, "--no-defaults", f"--datadir={data}", *account, f"--port={port}"]
            command += ["--bind-address=127.0.0.1", f"--socket={root / 'mysqld.sock'}", f"--pid-file={root / 'pid'}"]
            command += [f"--log-error={log_path}", f"--init-file={init}", "--skip-name-resolve", "--skip-log-bin"]
            command += ["--innodb-buffer-pool-size=32M", "--innodb-log-file-size=16M", "--performance-schema=OFF"]
            process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                listening(process, log_path, _READY, within=60)
            except BaseException:
                _stop(process)
                raise
            return process, port

        try:
            process, port = on_a_free_port(start)
        except (PortTaken, ServerDidNotStart) as error:
            raise MariaDbUnavailable(f"mariadbd did not start on 127.0.0.1: {error}") from None
        try:
            deadline = time.monotonic() + 15
            while not _answers(port):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise MariaDbUnavailable(f"mariadbd did not answer on 127.0.0.1:{port}")
                time.sleep(0.05)
            address = f"127.0.0.1:{port}/{DATABASE}"
            yield MariaDb(
                f"mysql+asyncmy://{USER}:{password}@{address}", f"mysql+asyncmy://{ADMIN}:{admin_password}@{address}"
            )
        finally:
            _stop(process)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=15)


def _answers(port: int) -> bool:
    """Whether the server greets a client: MySQL's handshake packet starts with protocol version 10."""
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1) as connection:
        greeting = connection.recv(5)
        return len(greeting) == 5 and greeting[4] == 10
    return False
