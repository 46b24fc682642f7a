"""Registering and logging in by email: one account an email in any case, and a refusal that says
nothing of which part was wrong."""

import pytest

from application.use_cases.register_user import Registration
from domain.errors import (
    EmailAlreadyRegistered,
    InvalidCredentials,
)

pytestmark = pytest.mark.anyio


async def test_a_registered_user_can_log_in_and_use_the_access_token(app):
    pair = await app.log_in()

    assert app.verify(pair.access_token).user_id == next(iter(app.store.tables.users))
    assert (pair.expires_in, pair.refresh_expires_in) == (15 * 60, 14 * 24 * 3600)


@pytest.mark.parametrize("email", ["ada@example.com", "ADA@Example.COM", "  Ada@example.com "])
async def test_registering_a_taken_email_in_any_case_fails_and_stores_nothing(app, email):
    before = dict(app.store.tables.users)

    with pytest.raises(EmailAlreadyRegistered):
        await app.register(Registration(email, "another password"))

    assert app.store.tables.users == before


async def test_logging_in_with_an_unknown_email_fails_after_a_dummy_verification(app):
    with pytest.raises(InvalidCredentials):
        await app.log_in("grace@example.com")

    assert app.hasher.dummy_verifications == 1
    assert app.store.tables.sessions == {}


async def test_logging_in_with_a_wrong_password_fails_like_an_unknown_email(app):
    with pytest.raises(InvalidCredentials):
        await app.log_in(password="wrong horse battery")

    assert app.store.tables.sessions == {}
