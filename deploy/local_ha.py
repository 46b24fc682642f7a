"""A highly available PostgreSQL tier on this machine, for `just cluster --ha` and the failover tests:
one etcd member, Patroni managing two PostgreSQL 15 nodes in synchronous replication, and HAProxy on
one port routing to whichever node is the primary (Patroni's REST `/primary`). Debian's `patroni`,
`etcd-server` and `haproxy` (installed when missing and we may). Everything listens on 127.0.0.1,
keeps its files in the directory given, and runs as the `postgres` account when we are root.

Why HAProxy rather than a libpq multi-host URL with `target_session_attrs=read-write` (which asyncpg
also reads): HAProxy asks Patroni, which holds the leader key, where the primary is, and cuts the
connections to a node the moment it stops being it. A multi-host URL asks each PostgreSQL whether it
is writable: a node whose Patroni died keeps a PostgreSQL that says yes, and a pool or LISTEN
connection already open to it stays there after the standby was promoted elsewhere."""

import contextlib
import os
import pwd
import shutil
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

from deploy.ha_node import HaNode, rest_status
from deploy.ha_settings import haproxy_config, patroni_config
from deploy.local_postgres import ClusterFailed, server_binaries
from deploy.packages import install_when_missing
from deploy.ports import free_port

READY_WITHIN_SECONDS = 120.0


class HaDatabase:
    """The tier once started (`ha_database`): `url` reaches the current primary through HAProxy."""

    def __init__(self, root: Path, nodes: list[HaNode], etcd_port: int, haproxy_port: int) -> None:
        self.root, self.nodes, self.etcd_port, self.haproxy_port = root, nodes, etcd_port, haproxy_port
        self._as_root = os.geteuid() == 0
        self._etcd: subprocess.Popen[bytes] | None = None
        self._haproxy: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.haproxy_port}/postgres"

    def node_url(self, node: HaNode) -> str:
        return f"postgresql://postgres@127.0.0.1:{node.pg_port}/postgres"

    def leader(self) -> HaNode | None:
        return next((node for node in self.nodes if node.is_primary()), None)

    def standbys(self) -> list[HaNode]:
        return [node for node in self.nodes if node.role() == "replica"]

    def processes(self) -> dict[str, subprocess.Popen[bytes]]:
        """The long-running programs, by name, for a watcher to notice one that exits."""
        found = {"etcd": self._etcd, "haproxy": self._haproxy}
        found |= {f"patroni {node.name}": node.process for node in self.nodes}
        return {name: process for name, process in found.items() if process is not None}

    # Starting and stopping

    def start(self) -> None:
        self._etcd = self._spawn(self._etcd_command(), self.root / "etcd.log", as_postgres=False)
        _wait_until(lambda: rest_status(f"http://127.0.0.1:{self.etcd_port}/health") == 200, "etcd", self._etcd)
        for node in self.nodes:
            self.start_patroni(node)
        config = haproxy_config(port=self.haproxy_port, nodes=[(n.name, n.pg_port, n.rest_port) for n in self.nodes])
        (self.root / "haproxy.cfg").write_text(config)
        self._haproxy = self._spawn(
            ["haproxy", "-db", "-f", str(self.root / "haproxy.cfg")], self.root / "haproxy.log", as_postgres=True
        )
        self.wait_synchronous()

    def start_patroni(self, node: HaNode) -> None:
        node.process = self._spawn(["patroni", str(node.config)], node.log, as_postgres=True)

    def wait_synchronous(self, within: float = READY_WITHIN_SECONDS) -> HaNode:
        """Until one node leads, with a synchronous standby streaming from it; the leader."""

        def formed() -> bool:
            leader = self.leader()
            return leader is not None and any(
                rest_status(f"http://127.0.0.1:{node.rest_port}/sync") == 200
                for node in self.nodes
                if node is not leader
            )

        _wait_until(formed, "a primary with a synchronous standby", None, within)
        leader = self.leader()
        assert leader is not None
        return leader

    def stop(self) -> None:
        """HAProxy, every Patroni (each stops its PostgreSQL), etcd; then any PostgreSQL left behind
        by a Patroni that was killed."""
        if self._haproxy is not None:
            _stop(self._haproxy)
        for node in self.nodes:
            if node.process is not None:
                _stop(node.process, patience=30.0)
        if self._etcd is not None:
            _stop(self._etcd)
        for node in self.nodes:
            if (pid := node.postmaster_pid()) is not None:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)

    # Faults, for the failover tests

    def kill_postgres(self, node: HaNode) -> None:
        """SIGKILL to the node's postmaster: a crash. Its backends exit when they notice it gone."""
        pid = node.postmaster_pid()
        if pid is None:
            raise ClusterFailed(f"no PostgreSQL runs on {node.name}")
        os.kill(pid, signal.SIGKILL)

    def kill_patroni(self, node: HaNode) -> None:
        """SIGKILL to the node's Patroni alone: its PostgreSQL runs on, orphaned, still a primary."""
        assert node.process is not None
        node.process.kill()
        node.process.wait(timeout=10)
        node.process = None

    def switchover(self) -> subprocess.CompletedProcess[str]:
        """`patronictl switchover --force`: the synchronous standby leads, the primary follows it."""
        leader = self.leader()
        assert leader is not None
        command = ["patronictl", "-c", str(leader.config), "switchover", "--force", "--leader", leader.name]
        return subprocess.run(
            self._as(command, as_postgres=True), capture_output=True, text=True, timeout=60, check=False
        )

    # Helpers

    def _etcd_command(self) -> list[str]:
        client, peer = f"http://127.0.0.1:{self.etcd_port}", f"http://127.0.0.1:{free_port()}"
        return [
            "etcd",
            *("--name", "etcd0", "--data-dir", str(self.root / "etcd")),
            *("--listen-client-urls", client, "--advertise-client-urls", client),
            *("--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer),
            *("--initial-cluster", f"etcd0={peer}", "--initial-cluster-state", "new"),
            *("--log-level", "warn"),
        ]

    def _as(self, command: list[str], *, as_postgres: bool) -> list[str]:
        return ["runuser", "-u", "postgres", "--", *command] if as_postgres and self._as_root else command

    def _spawn(self, command: list[str], log: Path, *, as_postgres: bool) -> subprocess.Popen[bytes]:
        account = pwd.getpwnam("postgres") if as_postgres and self._as_root else None
        with log.open("ab") as output:
            if account is not None:
                os.chown(log, account.pw_uid, account.pw_gid)
            return subprocess.Popen(
                command,
                stdout=output,
                stderr=subprocess.STDOUT,
                cwd=self.root,
                start_new_session=True,  # Ctrl-C reaches the cluster script, which stops each in order
                user=account.pw_uid if account else None,
                group=account.pw_gid if account else None,
                extra_groups=[] if account else None,
                env={**os.environ, "HOME": str(self.root)} if account else None,
            )


def missing_programs() -> list[str]:
    return [program for program in ("etcd", "patroni", "patronictl", "haproxy") if shutil.which(program) is None]


@contextlib.contextmanager
def ha_database(directory: Path, nodes: int = 2) -> Iterator[HaDatabase]:
    """The tier started in `directory/ha` (a primary and a synchronous standby formed); stopped on exit."""
    for program, package in (("etcd", "etcd-server"), ("patroni", "patroni"), ("haproxy", "haproxy")):
        install_when_missing(partial(_installed, program), package)
    if missing := missing_programs():
        raise ClusterFailed(f"missing {', '.join(missing)}: apt-get install patroni etcd-server haproxy")
    binaries = server_binaries()
    root = directory / "ha"
    root.mkdir()
    members = [HaNode(f"node{n}", free_port(), free_port(), root / f"node{n}") for n in range(1, nodes + 1)]
    database = HaDatabase(root, members, free_port(), free_port())
    account = pwd.getpwnam("postgres") if os.geteuid() == 0 else None
    for path in (root, *(node.root for node in members)):
        path.mkdir(exist_ok=True)
        path.chmod(0o700 if path is not root else 0o711)
        if account is not None:
            os.chown(path, account.pw_uid, account.pw_gid)
    for node in members:
        node.config.write_text(
            patroni_config(
                name=node.name,
                data=node.data,
                pg_port=node.pg_port,
                rest_port=node.rest_port,
                etcd_port=database.etcd_port,
                binaries=binaries,
                sockets=node.root,
            )
        )
    try:
        database.start()
        yield database
    finally:
        database.stop()


def _installed(program: str) -> bool:
    return shutil.which(program) is not None


def _wait_until(
    holds: Callable[[], bool], what: str, process: subprocess.Popen[bytes] | None, within: float = READY_WITHIN_SECONDS
) -> None:
    deadline = time.monotonic() + within
    while not holds():
        if process is not None and process.poll() is not None:
            raise ClusterFailed(f"{what} exited with {process.returncode}")
        if time.monotonic() > deadline:
            raise ClusterFailed(f"no {what} within {within:.0f} s")
        time.sleep(0.2)


def _stop(process: subprocess.Popen[bytes], patience: float = 15.0) -> None:
    for number, wait in ((signal.SIGTERM, patience), (signal.SIGKILL, 10.0)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, number)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=wait)
            return
