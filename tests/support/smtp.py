"""A real SMTP server for the tests (aiosmtpd), on 127.0.0.1 and a free port, that keeps what it receives."""

import errno
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from typing import Any

from aiosmtpd.controller import Controller

from tests.support.ports import PortTaken, on_a_free_port


@dataclass
class Inbox:
    port: int = 0
    messages: list[Message] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"

    def wait_for(self, count: int, within: float = 20.0) -> list[Message]:
        """The messages once `count` have arrived (delivery is in the background); fails after `within` s."""
        deadline = time.monotonic() + within
        while len(self.messages) < count:
            assert time.monotonic() < deadline, f"{len(self.messages)} of {count} messages arrived"
            time.sleep(0.05)
        return list(self.messages)


@contextmanager
def smtp_server() -> Iterator[Inbox]:
    inbox = Inbox()

    def start(port: int) -> Controller:
        controller = Controller(inbox, hostname="127.0.0.1", port=port)
        try:
            controller.start()
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise PortTaken(str(error)) from None
            raise
        inbox.port = port
        return controller

    controller = on_a_free_port(start)
    try:
        yield inbox
    finally:
        controller.stop()
