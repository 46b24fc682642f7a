"""Debian's redis-server for the tests: 127.0.0.1, a free port (tests.support.ports), nothing persisted, stopped after.

Installed by `.ci/ensure-redis` (which `just test` runs). Missing means the tests that need it
fail; they are never skipped.
"""

import contextlib
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

from tests.support.ports import PortTaken, ServerDidNotStart, listening, on_a_free_port


class RedisUnavailable(RuntimeError):
    pass


@contextlib.contextmanager
def running_redis(workdir: Path) -> Iterator[str]:
    """A `redis://127.0.0.1:<port>/0` URL while the server runs."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise RedisUnavailable("no redis-server on PATH; run `bash .ci/ensure-redis` (apt-get install redis-server)")

    def start(port: int) -> tuple[subprocess.Popen[bytes], int]:
        log_path = workdir / f"redis-{port}.log"
        command = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        command += ["--dir", str(workdir), "--logfile", str(log_path)]
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            listening(process, log_path, "Ready to accept connections", within=15)
        except BaseException:
            process.terminate()
            process.wait(timeout=15)
            raise
        return process, port

    try:
        process, port = on_a_free_port(start)
    except (PortTaken, ServerDidNotStart) as error:
        raise RedisUnavailable(f"redis-server did not start on 127.0.0.1: {error}") from None
    try:
        deadline = time.monotonic() + 15
        while not _answers(port):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RedisUnavailable(f"redis-server did not answer on 127.0.0.1:{port}")
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=15)


def _answers(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1) as connection:
        connection.sendall(b"PING\r\n")
        return connection.recv(16).startswith(b"+PONG")
    return False
