import asyncio
import contextlib
import logging
import os
import socket
from collections.abc import Callable
from pathlib import Path

from adapters.process.change_messages import decode, encode
from application.ports.change_listener import ChangeListener
from application.ports.sibling_workers import SiblingWorkers
from domain.changes import Changes

log = logging.getLogger(__name__)


class UnixSocketSiblingWorkers(SiblingWorkers, ChangeListener):
    """The worker processes of one `tessera serve --workers N`, over Unix datagram sockets.

    The serving parent makes a private directory; each worker binds `<pid>.sock` in it and sends
    every change it commits to each other socket there. A datagram is sent before the worker's
    HTTP answer, so a sibling reads it before any request made after that answer. With no
    directory (one process) there is nobody to tell.
    """

    def __init__(self, directory: Path | None) -> None:
        self._directory = directory
        self._socket: socket.socket | None = None
        self._path: Path | None = None

    async def start(self, on_changes: Callable[[Changes], None]) -> None:
        if self._directory is None:
            return
        self._path = self._directory / f"{os.getpid()}.sock"
        self._path.unlink(missing_ok=True)
        self._socket = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self._socket.setblocking(False)
        self._socket.bind(str(self._path))
        asyncio.get_running_loop().add_reader(self._socket.fileno(), self._receive, on_changes)

    def _receive(self, on_changes: Callable[[Changes], None]) -> None:
        assert self._socket is not None
        while True:
            try:
                message = self._socket.recv(65536)
            except (BlockingIOError, InterruptedError):
                return
            changes = decode(message)
            if changes:
                on_changes(changes)

    def tell(self, changes: Changes) -> None:
        if self._socket is None or self._directory is None:
            return
        siblings = [path for path in self._directory.glob("*.sock") if path != self._path]
        for message in encode(changes):
            for path in siblings:
                try:
                    self._socket.sendto(message, str(path))
                except OSError as error:  # a worker gone or its buffer full: the poll makes it good
                    log.debug("could not tell %s: %s", path.name, error)

    async def stop(self) -> None:
        if self._socket is None:
            return
        with contextlib.suppress(RuntimeError):  # the loop may already be closing
            asyncio.get_running_loop().remove_reader(self._socket.fileno())
        self._socket.close()
        self._socket = None
        if self._path is not None:
            self._path.unlink(missing_ok=True)
