"""Password reset over HTTP, mailed through a real SMTP server: the same answer for any email, a
single-use link, and every session of the user ended."""

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from litestar.testing import AsyncTestClient

from adapters.mail.smtp_mailer import SmtpServer
from entrypoints.http.app import create_app
from entrypoints.mail_settings import MailSettings
from tests.integration.cookies import assert_problem
from tests.integration.flows import Client, bearer, log_in, register
from tests.support.http import PASSWORD, settings_for_tests
from tests.support.smtp import Inbox, smtp_server

pytestmark = pytest.mark.anyio

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
