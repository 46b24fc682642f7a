"""`tessera serve` replicas as real processes on 127.0.0.1, sharing one database and one key-encryption key."""

import contextlib
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from deploy.ports import free_port
from tests.support.ports import listening, on_a_free_port, uvicorn_bound

REPO = Path(__file__).resolve().parents[2]
READY_WITHIN_SECONDS = 60.0


class Environment(dict[str, str]):
    """Shown without its values: it holds the run's key-encryption key."""

    def __repr__(self) -> str:
        return f"<tessera environment, {self['TESSERA_DATABASE_URL']}>"


def tessera_environment(database_url: str, key_encryption_key: str, pycache: Path) -> Environment:
    """What every replica and every `tessera` command of a test run is started with."""
    env = Environment({name: value for name, value in os.environ.items() if not name.startswith("TESSERA_")})
    # The interpreter then compiles the dependencies once for the run, not once per process.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.update(
        {
            "PYTHONPATH": str(REPO),
            "PYTHONPYCACHEPREFIX": str(pycache),
            "TESSERA_DATABASE_URL": database_url,
            "TESSERA_KEY_ENCRYPTION_KEY": key_encryption_key,
            "TESSERA_ISSUER": "http://tessera.scale.test",
            "TESSERA_AUDIENCE": "tessera-scale",
            "TESSERA_REVOCATION_POLL_SECONDS": "1",
            "TESSERA_KEY_RELOAD_SECONDS": "1",
            "TESSERA_KEY_PROPAGATION_SECONDS": "2",
            "TESSERA_ACCESS_TTL_SECONDS": "20",
            "TESSERA_LEEWAY_SECONDS": "0",
            "TESSERA_ARGON2_TIME_COST": "1",
            "TESSERA_ARGON2_MEMORY_KIB": "1024",
            "TESSERA_ARGON2_PARALLELISM": "1",
        }
    )
    return env


def tessera_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "entrypoints.cli.main", *args]


def tessera(*args: str, env: dict[str, str], cwd: Path, input: str | None = None) -> subprocess.CompletedProcess[str]:
    """One `tessera` command, as an operator would run it on any machine with the same environment;
    `input` is its stdin (else an empty one)."""
    return subprocess.run(
        tessera_command(*args),
        env=env,
        cwd=cwd,
        input=input or "",
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )


@dataclass
class Replica:
    name: str
    port: int
    process: subprocess.Popen[bytes]
    log_path: Path
    metrics_port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def metrics_url(self) -> str:
        """Its metrics listener (TESSERA_METRICS_ADDRESS): not on the API's port."""
        return f"http://127.0.0.1:{self.metrics_port}/metrics"

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def client(self, timeout: float = 10.0) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=timeout)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def signal(self, number: int) -> None:
        """To the whole replica: `tessera serve` and every worker it started (its own process group)."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, number)

    def pause(self) -> None:
        """SIGSTOP: the replica is frozen, as by a long GC or VM pause, or cut off: none of its loops runs."""
        self.signal(signal.SIGSTOP)

    def resume(self) -> None:
        self.signal(signal.SIGCONT)

    def kill(self) -> None:
        """SIGKILL to every process of the replica: no shutdown hook runs, in-flight requests are cut,
        sockets are reset."""
        self.signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.alive:
            self.resume()
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.signal(signal.SIGKILL)
                self.process.wait(timeout=10)
        self.signal(signal.SIGKILL)  # a worker left behind by a killed supervisor

    def wait_ready(self, within: float = READY_WITHIN_SECONDS) -> None:
        deadline = time.monotonic() + within
        while True:
            assert self.alive, f"replica {self.name} exited with {self.process.returncode}:\n{self.log()}"
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"{self.url}/ready", timeout=2).status_code == 200:
                    return
            assert time.monotonic() < deadline, f"replica {self.name} not ready within {within} s:\n{self.log()}"
            time.sleep(0.1)


@dataclass
class ReplicaSet:
    """Replicas of one test (or module); each one's log is kept in `workdir` and shown when a test fails."""

    env: dict[str, str] = field(repr=False)
    workdir: Path
    started: list[Replica] = field(default_factory=list)

    def __call__(self, count: int, **overrides: str) -> list[Replica]:
        """The first replica alone, since on an empty key table it creates the first key (`ensure_one`
        reads, then inserts: replicas started together could each create one); then the rest at once.
        `overrides` are `TESSERA_*` variables that differ from the run's environment."""
        env = {**self.env, **overrides}
        first = self._spawn(env, "ABCDEFGH"[len(self.started)])
        first.wait_ready()
        names = "ABCDEFGH"[len(self.started) : len(self.started) + count - 1]
        with ThreadPoolExecutor(max_workers=max(1, len(names))) as pool:
            others = list(pool.map(lambda name: self._spawn(env, name), names))
            list(pool.map(Replica.wait_ready, others))
        return [first, *others]

    def stop(self) -> None:
        for replica in self.started:
            replica.stop()

    def _spawn(self, env: dict[str, str], name: str) -> Replica:
        """Replica `name`, once it listens on a free port (tests.support.ports)."""

        def start(port: int) -> Replica:
            log_path = self.workdir / f"replica-{name}-{port}.log"
            metrics_port = free_port()  # a taken one fails the start as a taken API port does: both are new again
            with log_path.open("wb") as log:
                process = subprocess.Popen(
                    tessera_command("serve", "--host", "127.0.0.1", "--port", str(port)),
                    env={**env, "TESSERA_METRICS_ADDRESS": f"127.0.0.1:{metrics_port}"},
                    cwd=self.workdir,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,  # its workers too are the replica's, for pause and kill
                )
            replica = Replica(name, port, process, log_path, metrics_port)
            try:
                listening(process, log_path, uvicorn_bound(port), within=READY_WITHIN_SECONDS)
            except BaseException:
                replica.stop()
                raise
            self.started.append(replica)
            return replica

        return on_a_free_port(start)
