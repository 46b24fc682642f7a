"""A real SMTP server for the tests (aiosmtpd), on 127.0.0.1 and a free port, that keeps what it receives:
the messages, and the credentials of every AUTH. It never offers STARTTLS (it has no certificate); with
`plaintext_auth`, it accepts AUTH without TLS, as a badly configured or intercepted server would."""

import errno
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from tests.support.ports import PortTaken, on_a_free_port


@dataclass
class Inbox:
    port: int = 0
    messages: list[Message] = field(default_factory=list)
    credentials: list[tuple[str, str]] = field(default_factory=list)

    def authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        """Every login and password it is shown, kept; all accepted."""
        if isinstance(data, LoginPassword):
            self.credentials.append((data.login.decode(), data.password.decode()))
        return AuthResult(success=True)

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
def smtp_server(*, plaintext_auth: bool = False) -> Iterator[Inbox]:
    inbox = Inbox()
    auth = {"authenticator": inbox.authenticate, "auth_require_tls": False} if plaintext_auth else {}

    def start(port: int) -> Controller:
        controller = Controller(inbox, hostname="127.0.0.1", port=port, **auth)
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
