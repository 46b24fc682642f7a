"""Debian's redis-server for the tests: 127.0.0.1, a free port, nothing persisted, stopped after.

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

from tests.support.served import free_port


class RedisUnavailable(RuntimeError):
    pass


@contextlib.contextmanager
def running_redis(workdir: Path) -> Iterator[str]:
    """A `redis://127.0.0.1:<port>/0` URL while the server runs."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise RedisUnavailable("no redis-server on PATH; run `bash .ci/ensure-redis` (apt-get install redis-server)")
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(workdir)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 15
        while not _answers(port):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RedisUnavailable(f"redis-server did not start on 127.0.0.1:{port}")
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
