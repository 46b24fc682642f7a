"""Password reset over HTTP, mailed through a real SMTP server: the same answer for any email, a
single-use link, and every session of the user ended."""

import asyncio
import base64
import secrets
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from uuid import UUID

import httpx
import pytest
from dishka import AsyncContainer
from litestar.testing import AsyncTestClient

from adapters.mail.smtp_mailer import SmtpServer
from application.ports.mailer import Mail, Mailer
from application.ports.unit_of_work import UnitOfWork
from entrypoints.http.app import create_app
from entrypoints.settings.mail import MailSettings
from entrypoints.settings.reader import settings_from_env
from tests.support.cookies import assert_problem
from tests.support.flows import Client, bearer, log_in, register
from tests.support.http import PASSWORD, settings_for_tests
from tests.support.smtp import Inbox, smtp_server
from tests.support.stored import in_app

pytestmark = [pytest.mark.anyio, pytest.mark.app]

NEW = "a brand new passphrase"
RESET_URL = "https://app.example.com/reset#token={token}"
LINK = RESET_URL.removesuffix("{token}")


@pytest.fixture
def inbox() -> Iterator[Inbox]:
    with smtp_server() as server:
        yield server


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def mailing_client(request: pytest.FixtureRequest, tmp_path: Path, inbox: Inbox) -> AsyncIterator[Client]:
    url = "memory://"
    if request.param != "memory":
        url = request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "clean_postgres_url")
    mail = MailSettings(SmtpServer("127.0.0.1", inbox.port), "accounts@example.com", RESET_URL)
    async with AsyncTestClient(create_app(settings_for_tests(url, tmp_path, mail=mail))) as client:
        yield client


def _seen(response: httpx.Response) -> tuple[int, bytes, list[tuple[str, str]]]:
    headers = sorted((name, value) for name, value in response.headers.items() if name != "date")
    return response.status_code, response.content, headers


async def _token_from(inbox: Inbox) -> str:
    (message,) = await asyncio.to_thread(inbox.wait_for, 1)
    assert (message["To"], message["From"]) == ("ada@example.com", "accounts@example.com")
    body = message.get_payload(decode=True)
    assert isinstance(body, bytes)
    line = next(line for line in body.decode().splitlines() if line.startswith(LINK))
    return line.removeprefix(LINK)


async def test_a_reset_answers_alike_for_any_email_and_mails_only_a_real_user(
    mailing_client: Client, inbox: Inbox
) -> None:
    await register(mailing_client)

    answers = [
        _seen(await mailing_client.post("/auth/password-reset", json={"email": email}))
        for email in ("nobody@example.com", "ada@example.com")
    ]
    malformed = await mailing_client.post("/auth/password-reset", json={"email": "not an email"})

    assert answers[0][:2] == (202, b"")
    assert answers[0] == answers[1]
    assert_problem(malformed, 400, "invalid-email")  # the address's form, not whether it is registered
    await _token_from(inbox)
    await asyncio.sleep(0.2)  # a mail to nobody would have been queued at the same moment
    assert len(inbox.messages) == 1


async def test_the_mailed_link_sets_a_new_password_once_and_ends_every_session(
    mailing_client: Client, inbox: Inbox
) -> None:
    await register(mailing_client)
    signed_in = await log_in(mailing_client)
    await mailing_client.post("/auth/password-reset", json={"email": "ada@example.com"})
    token = await _token_from(inbox)

    confirmed = await mailing_client.post("/auth/password-reset/confirm", json={"token": token, "new_password": NEW})

    assert confirmed.status_code == 204, confirmed.text
    refresh = await mailing_client.post("/auth/refresh", json={"refresh_token": signed_in["refresh_token"]})
    assert_problem(refresh, 401, "invalid-refresh-token")
    assert (await mailing_client.get("/api/user/profile", headers=bearer(signed_in))).status_code == 401
    await log_in(mailing_client, password=NEW)
    again = await mailing_client.post("/auth/password-reset/confirm", json={"token": token, "new_password": PASSWORD})
    assert_problem(again, 400, "invalid-password-reset-token")


async def test_an_unknown_token_or_a_short_password_is_a_400_problem(client: Client) -> None:
    unknown = await client.post("/auth/password-reset/confirm", json={"token": "guessed", "new_password": NEW})
    assert_problem(unknown, 400, "invalid-password-reset-token")
    short = await client.post("/auth/password-reset/confirm", json={"token": "guessed", "new_password": "short"})
    assert_problem(short, 400, "invalid-request")  # the body's schema bounds it (8–1024)


async def test_without_an_smtp_server_the_link_is_logged_for_development(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    await register(client)
    with caplog.at_level("WARNING", logger="tessera.mail"):
        assert (await client.post("/auth/password-reset", json={"email": "ada@example.com"})).status_code == 202

    (record,) = [r for r in caplog.records if r.name == "tessera.mail"]
    assert "http://localhost:8000/reset-password?token=" in record.getMessage()


async def test_past_ten_requests_from_one_address_a_reset_is_a_429_problem_with_retry_after(
    mailing_client: Client, inbox: Inbox
) -> None:
    await register(mailing_client)
    for n in range(9):
        assert (
            await mailing_client.post("/auth/password-reset", json={"email": f"x{n}@example.com"})
        ).status_code == 202
    assert (await mailing_client.post("/auth/password-reset", json={"email": "ada@example.com"})).status_code == 202
    await _token_from(inbox)

    throttled = await mailing_client.post("/auth/password-reset", json={"email": "ada@example.com"})

    assert_problem(throttled, 429, "password-reset-throttled")
    assert 0 < int(throttled.headers["retry-after"]) <= 15 * 60


async def test_a_password_change_voids_a_reset_link_mailed_before_it(mailing_client: Client, inbox: Inbox) -> None:
    await register(mailing_client)
    signed_in = await log_in(mailing_client)
    await mailing_client.post("/auth/password-reset", json={"email": "ada@example.com"})
    token = await _token_from(inbox)
    change = {"current_password": PASSWORD, "new_password": NEW}
    assert (await mailing_client.post("/auth/password", json=change, headers=bearer(signed_in))).status_code == 204

    late = await mailing_client.post("/auth/password-reset/confirm", json={"token": token, "new_password": "x" * 12})

    assert_problem(late, 400, "invalid-password-reset-token")
    await log_in(mailing_client, password=NEW)


@pytest.fixture
async def production_client(tmp_path: Path) -> AsyncIterator[Client]:
    """Not development (a signing key file is configured), and no TESSERA_SMTP_URL."""
    key_file = tmp_path / "dev-signing-key.jwk"  # written by settings_for_tests, then named as the key file
    async with AsyncTestClient(create_app(settings_for_tests("memory://", tmp_path, signing_key_file=key_file))) as c:
        yield c


async def _unspent_reset_tokens(client: Client, user_id: str) -> int:
    async def void(container: AsyncContainer) -> int:
        async with container() as request:
            uow = await request.get(UnitOfWork)  # type: ignore[type-abstract]
            async with uow:
                return await uow.password_resets.void_all_of_user(UUID(user_id), datetime.now(UTC))

    return await in_app(client, void)


async def test_outside_development_without_smtp_the_reset_routes_answer_501_and_no_link_reaches_the_log(
    production_client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    ada = await register(production_client)
    with caplog.at_level("DEBUG"):
        asked = await production_client.post("/auth/password-reset", json={"email": "ada@example.com"})
        confirmed = await production_client.post(
            "/auth/password-reset/confirm", json={"token": "guessed", "new_password": NEW}
        )
        not_json = await production_client.post("/auth/password-reset", content=b"email=ada@example.com")

    for answer in (asked, confirmed, not_json):
        assert_problem(answer, 501, "password-reset-unavailable")
    assert "reset-password?token=" not in caplog.text and not [r for r in caplog.records if r.name == "tessera.mail"]
    assert await _unspent_reset_tokens(production_client, ada["id"]) == 0
    assert (await log_in(production_client))["access_token"]  # the password is untouched


async def test_outside_development_without_smtp_the_mailer_drops_mail_and_logs_no_body(
    production_client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    async def send(container: AsyncContainer) -> None:
        mailer = await container.get(Mailer)  # type: ignore[type-abstract]
        mailer.send(Mail("ada@example.com", "Reset your password", "https://app.example.com/reset?token=secret-1"))

    with caplog.at_level("DEBUG", logger="tessera.mail"):
        await in_app(production_client, send)

    (record,) = [r for r in caplog.records if r.name == "tessera.mail"]
    assert "dropped" in record.getMessage() and "secret-1" not in caplog.text


async def test_outside_development_an_smtp_server_turns_the_reset_routes_on(tmp_path: Path, inbox: Inbox) -> None:
    key_file = tmp_path / "dev-signing-key.jwk"
    mail = MailSettings(SmtpServer("127.0.0.1", inbox.port), "accounts@example.com", RESET_URL)
    settings = settings_for_tests("memory://", tmp_path, signing_key_file=key_file, mail=mail)
    async with AsyncTestClient(create_app(settings)) as client:
        await register(client)
        assert (await client.post("/auth/password-reset", json={"email": "ada@example.com"})).status_code == 202
        token = await _token_from(inbox)
        confirmed = await client.post("/auth/password-reset/confirm", json={"token": token, "new_password": NEW})
        assert confirmed.status_code == 204


def test_shared_key_mode_as_compose_runs_it_has_no_reset_by_mail_without_smtp() -> None:
    kek = base64.b64encode(secrets.token_bytes(32)).decode()
    environ = {"TESSERA_KEY_ENCRYPTION_KEY": kek, "TESSERA_ISSUER": "https://auth.example.com"}
    assert not settings_from_env(environ).password_reset_by_mail
    assert settings_from_env(environ | {"TESSERA_SMTP_URL": "smtp://127.0.0.1:2525"}).password_reset_by_mail
    assert settings_from_env({}).password_reset_by_mail  # development: `just run`, the log stands in for mail
