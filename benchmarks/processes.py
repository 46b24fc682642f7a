"""Servers on 127.0.0.1 free ports, started and stopped by the harness, and their memory."""

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def ensure_tools() -> None:
    """wrk and redis-server from Debian's packages, installed when missing (as root)."""
    missing = [tool for tool in ("wrk", "redis-server") if shutil.which(tool) is None]
    if not missing:
        return
    if os.geteuid() != 0:
        raise SystemExit(f"benchmarks: {', '.join(missing)} missing; run `apt-get install -y wrk redis-server` as root")
    subprocess.run(["apt-get", "install", "-y", "wrk", "redis-server"], check=True, stdout=subprocess.DEVNULL)


def wait_until_ready(url: str, process: subprocess.Popen[bytes], within: float = 60.0) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode} before answering {url}")
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except urllib.error.HTTPError:
            return  # any answer, a 401 included, means it serves
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {within} s")


@contextlib.contextmanager
def server(
    command: list[str], ready_path: str, port: int, log: Path, env: Mapping[str, str] | None = None
) -> Iterator[subprocess.Popen[bytes]]:
    """One server process, its output in `log`, answering `ready_path` before this yields."""
    with log.open("ab") as out:
        process = subprocess.Popen(
            command, cwd=ROOT, env={**os.environ, **(env or {})}, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        try:
            wait_until_ready(f"http://127.0.0.1:{port}{ready_path}", process)
        except RuntimeError as error:
            tail = log.read_text(errors="replace")[-3000:]
            raise RuntimeError(f"{error}; the end of {log.name}:\n{tail}") from None
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"no VmRSS for {pid}")


def python() -> str:
    return sys.executable
