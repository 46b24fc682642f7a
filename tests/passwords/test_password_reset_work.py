"""A reset request does the same work whether or not its email is registered: the third review timed
the difference (one INSERT and its commit). Asserted as the statements sent, not as wall-clock time."""

from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.memory.in_memory_mailer import InMemoryMailer
from adapters.sql.database import create_engine, session_factory
from adapters.sql.sql_unit_of_work import SqlUnitOfWork
from application.password_reset_issuer import PasswordResetIssuer
from application.use_cases.request_password_reset import RequestPasswordReset
from domain.password_resets import ResetLinkTemplate
from domain.throttling import ThrottlePolicy
from tests.support.builders import a_user
from tests.support.fakes import FixedClock, SequentialTokenGenerator
from tests.support.heard import Heard

pytestmark = [pytest.mark.anyio, pytest.mark.app]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def engine(request: pytest.FixtureRequest) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "clean_postgres_url"))
    yield engine
    await engine.dispose()


async def test_a_reset_request_sends_the_same_statements_for_a_registered_email_and_an_unknown_one(
    engine: AsyncEngine,
) -> None:
    sessions, mailer = session_factory(engine), InMemoryMailer()
    issuer = PasswordResetIssuer(SequentialTokenGenerator(), ResetLinkTemplate("https://app.example.com/r#{token}"))
    async with SqlUnitOfWork(sessions) as uow:
        await uow.users.add(a_user("ada@example.com"))
        await uow.commit()
    statements: list[str] = []

    def record(_connection: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    def record_commit(_connection: Any) -> None:
        statements.append("COMMIT")

    async def request_reset(email: str) -> list[str]:
        statements.clear()
        uow = SqlUnitOfWork(sessions, Heard().dispatcher)
        use_case = RequestPasswordReset(uow, issuer, mailer, FixedClock(), ThrottlePolicy())
        await use_case.execute(email, "198.51.100.7")
        return list(statements)

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    event.listen(engine.sync_engine, "commit", record_commit)
    registered = await request_reset("ada@example.com")
    unknown = await request_reset("nobody@example.com")

    assert registered == unknown
    assert any(statement.lstrip().upper().startswith("INSERT INTO PASSWORD_RESET_TOKENS") for statement in unknown)
    assert registered.count("COMMIT") == 1
    assert [mail.to for mail in mailer.sent] == ["ada@example.com"]
    async with engine.connect() as connection:
        assert await connection.scalar(text("SELECT count(*) FROM password_reset_tokens")) == 1
