"""The `tessera serve` replicas of `just cluster`: real processes on 127.0.0.1, each in a session of
its own (its workers with it), so that Ctrl-C reaches the cluster script alone and it stops them."""

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from deploy.local_postgres import ClusterFailed
from deploy.ports import free_port

READY_WITHIN_SECONDS = 180.0
"""A replica of 2 workers can take a minute to start on a loaded 2-core machine."""


def tessera(*args: str) -> list[str]:
    return [sys.executable, "-m", "entrypoints.cli.main", *args]


@dataclass
class Replica:
    number: int
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def tail(self, lines: int = 15) -> str:
        """The end of its log (the run's directory, and the log with it, is gone once the cluster stops)."""
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:]) if self.log.exists() else ""

    def wait_ready(self) -> None:
        deadline = time.monotonic() + READY_WITHIN_SECONDS
        while not answers(f"{self.url}/ready"):
            if self.process.poll() is not None:
                raise ClusterFailed(f"replica {self.number} exited with {self.process.returncode}; see {self.log}")
            if time.monotonic() > deadline:
                raise ClusterFailed(
                    f"replica {self.number} not ready within {READY_WITHIN_SECONDS:.0f} s; see {self.log}"
                )
            time.sleep(0.2)


def answers(url: str) -> bool:
    with contextlib.suppress(OSError, urllib.error.URLError), urllib.request.urlopen(url, timeout=2) as response:
        return int(response.status) == 200
    return False


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the process's whole session (a replica's workers, nginx's), SIGKILL if it lingers."""
    for number, patience in ((signal.SIGTERM, 20.0), (signal.SIGKILL, 10.0)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, number)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=patience)
            return


@contextlib.contextmanager
def running_replicas(run: Path, env: dict[str, str], count: int, workers: int) -> Iterator[list[Replica]]:
    """`count` replicas of `workers` workers, once each is ready. The first starts alone: on an empty
    key table it makes the first signing key, which replicas started together could each make."""
    replicas: list[Replica] = []

    def spawn(number: int) -> Replica:
        port, log = free_port(), run / f"replica-{number}.log"
        command = tessera("serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers))
        with log.open("wb") as output:
            process = subprocess.Popen(
                command, env=env, cwd=run, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
            )
        replicas.append(Replica(number, port, process, log))
        return replicas[-1]

    try:
        spawn(1).wait_ready()
        for replica in [spawn(number) for number in range(2, count + 1)]:
            replica.wait_ready()
        yield replicas
    finally:
        for replica in replicas:
            stop(replica.process)
