import logging

from application.ports.mailer import Mail, Mailer

logger = logging.getLogger("tessera.mail")


class LoggingMailer(Mailer):
    """Development only (no TESSERA_SMTP_URL, the development signing key): the mail is written to the log
    instead, its reset link included, so that a developer can follow it. Never the audit log: a link resets
    a password."""

    def send(self, mail: Mail) -> None:
        logger.warning("no TESSERA_SMTP_URL: mail to %s not sent (%s):\n%s", mail.to, mail.subject, mail.body)


class DiscardingMailer(Mailer):
    """Outside development without TESSERA_SMTP_URL: nothing should mail (the reset routes answer 501),
    and if something does, the mail is dropped and logged without its body, which may carry a link."""

    def send(self, mail: Mail) -> None:
        logger.error("no TESSERA_SMTP_URL: mail to %s dropped (%s), its body not logged", mail.to, mail.subject)
