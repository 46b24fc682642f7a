"""SMTP credentials travel only inside TLS: against a real server that offers no STARTTLS (and would take
a password in clear text), tessera sends neither the credentials nor the mail, unless
TESSERA_SMTP_ALLOW_PLAINTEXT_AUTH allows it for a local relay."""

import asyncio
from collections.abc import Iterator

import aiosmtplib
import pytest

from adapters.mail.smtp_mailer import SmtpMailer
from application.ports.mailer import Mail
from entrypoints.settings.reader import settings_from_env
from tests.support.smtp import Inbox, smtp_server

pytestmark = [pytest.mark.anyio, pytest.mark.app]

LINK = "https://app.example.com/reset?token=the-secret-reset-token"
MAIL = Mail(to="ada@example.com", subject="Reset your password", body=f"Follow {LINK}")


@pytest.fixture
def inbox() -> Iterator[Inbox]:
    with smtp_server(plaintext_auth=True) as server:
        yield server


def _mailer(inbox: Inbox, **environ: str) -> SmtpMailer:
    url = f"smtp://mailer%40example.com:smtp-hunter2@127.0.0.1:{inbox.port}"
    mail = settings_from_env({"TESSERA_SMTP_URL": url, **environ}).mail
    assert mail.smtp is not None
    return SmtpMailer(mail.smtp, mail.sender)


async def test_credentials_and_mail_are_refused_to_a_server_that_offers_no_starttls(inbox: Inbox) -> None:
    with pytest.raises(aiosmtplib.SMTPException, match="STARTTLS"):
        await _mailer(inbox).deliver(MAIL)

    assert inbox.credentials == [] and inbox.messages == []


async def test_the_refused_delivery_is_logged_with_its_reason_but_neither_password_nor_link(
    inbox: Inbox, caplog: pytest.LogCaptureFixture
) -> None:
    mailer = _mailer(inbox)
    with caplog.at_level("ERROR", logger="tessera.mail"):
        mailer.send(MAIL)
        await mailer.drain()

    (record,) = [r for r in caplog.records if r.name == "tessera.mail"]
    assert "STARTTLS" in record.getMessage() and "TESSERA_SMTP_ALLOW_PLAINTEXT_AUTH" in record.getMessage()
    assert "smtp-hunter2" not in caplog.text and "the-secret-reset-token" not in caplog.text
    assert inbox.credentials == [] and inbox.messages == []


async def test_a_relay_allowed_plaintext_auth_receives_the_credentials_and_the_mail(inbox: Inbox) -> None:
    assert settings_from_env({"TESSERA_SMTP_ALLOW_PLAINTEXT_AUTH": "true"}).mail.smtp_allow_plaintext_auth
    await _mailer(inbox, TESSERA_SMTP_ALLOW_PLAINTEXT_AUTH="true").deliver(MAIL)

    assert inbox.credentials == [("mailer@example.com", "smtp-hunter2")]
    (message,) = await asyncio.to_thread(inbox.wait_for, 1)
    assert message["To"] == "ada@example.com"


async def test_without_credentials_a_server_without_starttls_still_gets_the_mail(inbox: Inbox) -> None:
    mail = settings_from_env({"TESSERA_SMTP_URL": f"smtp://127.0.0.1:{inbox.port}"}).mail
    assert mail.smtp is not None
    await SmtpMailer(mail.smtp, mail.sender).deliver(MAIL)

    assert inbox.credentials == [] and len(await asyncio.to_thread(inbox.wait_for, 1)) == 1
