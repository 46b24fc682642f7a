import logging

from application.ports.mailer import Mail, Mailer

logger = logging.getLogger("tessera.mail")


class LoggingMailer(Mailer):
    """Development only (no TESSERA_SMTP_URL): the mail is written to the log instead, its reset link
    included, so that a developer can follow it. Never the audit log: a link resets a password."""

    def send(self, mail: Mail) -> None:
        logger.warning("no TESSERA_SMTP_URL: mail to %s not sent (%s):\n%s", mail.to, mail.subject, mail.body)
