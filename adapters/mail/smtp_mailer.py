"""Mail through an SMTP server, with aiosmtplib: `smtp://host:port` (STARTTLS when the server offers
it) or `smtps://user:password@host:port` (TLS from the first byte). Credentials travel only inside TLS:
with a user name and no implicit TLS, STARTTLS is required, and a server that does not offer it gets
neither the credentials nor the mail (its reset link), unless `plaintext_auth` allows it (a local relay)."""

import asyncio
import logging
from dataclasses import dataclass, field
from email.message import EmailMessage

import aiosmtplib

from application.ports.mailer import Mail, Mailer

logger = logging.getLogger("tessera.mail")


@dataclass(frozen=True, slots=True)
class SmtpServer:
    host: str
    port: int
    implicit_tls: bool = False
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    timeout_seconds: float = 30.0
    plaintext_auth: bool = False
    """Credentials may cross without TLS: for a relay on this host or a private network that offers none."""

    @property
    def requires_starttls(self) -> bool:
        """Credentials set, no TLS from the first byte, and no leave to send them in clear text."""
        return self.username is not None and not self.implicit_tls and not self.plaintext_auth


class SmtpMailer(Mailer):
    """`send` queues a delivery task and returns; `deliver` is the delivery itself. A failed delivery
    is logged (without the body: it carries the reset link) and not retried: the person can ask again."""

    def __init__(self, server: SmtpServer, sender: str) -> None:
        self._server = server
        self._sender = sender
        self._pending: set[asyncio.Task[None]] = set()

    def send(self, mail: Mail) -> None:
        task = asyncio.get_running_loop().create_task(self._deliver_or_log(mail))
        self._pending.add(task)  # a strong reference until done: the loop keeps only weak ones
        task.add_done_callback(self._pending.discard)

    async def drain(self) -> None:
        """Wait for every delivery queued so far (at shutdown)."""
        if self._pending:
            await asyncio.gather(*self._pending, return_exceptions=True)

    async def deliver(self, mail: Mail) -> None:
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = self._sender, mail.to, mail.subject
        message.set_content(mail.body)
        server = self._server
        await aiosmtplib.send(
            message,
            hostname=server.host,
            port=server.port,
            use_tls=server.implicit_tls,
            start_tls=True if server.requires_starttls else None,  # None: STARTTLS when offered
            username=server.username,
            password=server.password,
            timeout=server.timeout_seconds,
        )

    async def _deliver_or_log(self, mail: Mail) -> None:
        try:
            await self.deliver(mail)
        except (aiosmtplib.SMTPException, OSError) as error:
            hint = (
                "; credentials are sent only over TLS: the server must offer STARTTLS "
                "(TESSERA_SMTP_ALLOW_PLAINTEXT_AUTH=true allows a local relay without it)"
                if self._server.requires_starttls
                else ""
            )
            logger.error("mail to %s not delivered (%s): %s%s", mail.to, mail.subject, error.__class__.__name__, hint)
