"""Logging in by username, where the service accepts it: the same throttle and the same refusal as by email."""

import json
from typing import Any

import pytest
from dishka import Provider, Scope, provide

from application.use_cases.import_users import ImportOptions, ImportUsers
from application.use_cases.log_in import Credentials, LogIn
from domain.errors import InvalidCredentials, LoginThrottled
from domain.login_identifiers import IdentifierKind, LoginIdentifiers
from domain.throttling import throttle_key
from tests.support.in_memory_tessera import PASSWORD, Tessera

pytestmark = pytest.mark.anyio
ATTACKER = "203.0.113.7"


class UsernameLogins(Provider):
    scope = Scope.APP

    @provide
    def identifiers(self) -> LoginIdentifiers:
        return LoginIdentifiers.parse("email,username")


@pytest.fixture
async def app(app: Tessera) -> Tessera:
    """The registered ada@example.com, with the username Ada.L, on a service that accepts usernames."""
    with_usernames = await Tessera.start(app.store, app.clock, UsernameLogins())
    ada = next(iter(app.store.tables.users.values()))
    line = json.dumps({"id": str(ada.id), "email": "ada@example.com", "username": "Ada.L"})
    await with_usernames.run(ImportUsers, [line], ImportOptions(update=True))
    return with_usernames


async def _log_in(app: Tessera, name: str, password: str, kind: IdentifierKind | None) -> Any:
    return await app.run(LogIn, Credentials(name, password, ATTACKER, None, True, kind))


@pytest.mark.parametrize(
    ("name", "kind"),
    [("ada.l", IdentifierKind.USERNAME), ("ADA.L", None), ("ada@example.com", None), ("Ada@Example.com", None)],
)
async def test_the_account_logs_in_by_username_in_any_case_or_by_email_through_identifier(
    app: Tessera, name: str, kind: IdentifierKind | None
) -> None:
    pair = await _log_in(app, name, PASSWORD, kind)
    assert app.verify(pair.access_token).user_id == next(iter(app.store.tables.users))


async def test_an_unknown_username_and_a_wrong_password_fail_alike_and_both_verify_a_password(app: Tessera) -> None:
    with pytest.raises(InvalidCredentials) as unknown:
        await _log_in(app, "nobody", PASSWORD, IdentifierKind.USERNAME)
    assert app.hasher.dummy_verifications == 1, "an unknown name costs a verification too"
    with pytest.raises(InvalidCredentials) as wrong:
        await _log_in(app, "ada.l", "wrong password", IdentifierKind.USERNAME)
    assert unknown.value.message == wrong.value.message


async def test_failures_by_username_and_by_email_count_against_the_one_account(app: Tessera) -> None:
    for name in ("ada.l", "ADA.L", "ada@example.com", "Ada.L", "ada@example.com"):
        with pytest.raises(InvalidCredentials):
            await _log_in(app, name, "wrong password", None)

    stored = app.store.tables.login_failures
    assert stored[throttle_key("account", "ada@example.com")].failures == 5
    assert throttle_key("account", "ada.l") not in stored
    for name, kind in (("ada.l", IdentifierKind.USERNAME), ("ada@example.com", IdentifierKind.EMAIL)):
        with pytest.raises(LoginThrottled):
            await _log_in(app, name, PASSWORD, kind)


async def test_a_username_names_nobody_on_a_service_that_accepts_emails_only(app: Tessera) -> None:
    email_only = await Tessera.start(app.store, app.clock)
    with pytest.raises(InvalidCredentials):
        await _log_in(email_only, "ada.l", PASSWORD, IdentifierKind.USERNAME)
    with pytest.raises(InvalidCredentials):
        await _log_in(email_only, "ada.l", PASSWORD, None)
    assert await _log_in(email_only, "ada@example.com", PASSWORD, None)


@pytest.mark.parametrize("name", ["ada.l", "grace.h"])
async def test_two_spellings_of_one_username_share_one_count_whether_or_not_it_names_an_account(
    app: Tessera, name: str
) -> None:
    """`Ａda.l` (fullwidth) is the username `ada.l`. Were an unknown name counted as typed and a known one under
    its account, the spelling that is still heard would tell which usernames exist."""
    for _ in range(5):
        with pytest.raises(InvalidCredentials):
            await _log_in(app, name, "wrong password", IdentifierKind.USERNAME)
    fullwidth = "".join(chr(ord(char) + 0xFEE0) if char.isalpha() else char for char in name.title())

    with pytest.raises(LoginThrottled):
        await _log_in(app, fullwidth, "wrong password", IdentifierKind.USERNAME)
    stored = app.store.tables.login_failures
    assert throttle_key("account", fullwidth.lower()) not in stored
