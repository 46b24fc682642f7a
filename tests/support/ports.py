"""Ports of 127.0.0.1 for the servers the tests start.

A port that is free when picked (deploy/ports.py picks them below the ephemeral range, where no
client connection takes its source port) can still be taken before the server binds it, by a server
of a parallel test run. So a server is started on a picked
port and trusted with it only once it has said it listens there (a server whose bind failed could
otherwise be mistaken for whoever holds the port); if the port was taken, it starts again on another.
"""

import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from deploy.ports import free_port

T = TypeVar("T")
ATTEMPTS = 5


class PortTaken(Exception):
    """The server could not bind the port picked for it: something took it in between."""


class ServerDidNotStart(RuntimeError):
    """The server exited, or did not listen in time, for another reason than a taken port."""


def on_a_free_port(start: Callable[[int], T]) -> T:
    """`start(port)` on a free port; when it raises PortTaken, again on another, up to ATTEMPTS times."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return start(free_port())
        except PortTaken:
            if attempt == ATTEMPTS:
                raise
    raise AssertionError("unreachable")


def uvicorn_bound(port: int) -> str:
    """What uvicorn logs once it has bound `port` of 127.0.0.1 (the space ends the port number)."""
    return f"Uvicorn running on http://127.0.0.1:{port} "


def listening(process: subprocess.Popen[bytes], log_path: Path, line: str, within: float = 60.0) -> None:
    """Returns once `process` has written `line` to `log_path`: the line the server logs after binding
    its port, so the port is its own from then on. PortTaken if it exited because the address was in
    use; ServerDidNotStart, with its log, if it exited otherwise or did not listen within `within` s."""
    deadline = time.monotonic() + within
    while True:
        exited = process.poll() is not None  # before reading, so that an exited server's log is whole
        text = log_path.read_text(errors="replace") if log_path.exists() else ""
        if line in text:
            return
        if exited:
            if "address already in use" in text.lower():
                raise PortTaken(text)
            raise ServerDidNotStart(f"exited with {process.returncode}:\n{text}")
        if time.monotonic() > deadline:
            raise ServerDidNotStart(f"did not log {line!r} within {within} s:\n{text}")
        time.sleep(0.05)
