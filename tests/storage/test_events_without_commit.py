"""What is audited and announced when a unit of work does not commit: a change stored is told only once
committed; an answer given (a refusal, a reuse seen, a revocation found) is told all the same."""

from datetime import timedelta

import pytest
from dishka import Provider, Scope, provide

from adapters.memory.in_memory_unit_of_work import InMemoryUnitOfWork
from application.actors import OPERATOR
from application.errors import StorageUnavailable
from application.ports.unit_of_work import UnitOfWork
from application.use_cases.disable_user import DisableUser
from domain.errors import InvalidAccessToken, InvalidCredentials, InvalidRefreshToken
from domain.events import EventKind
from domain.users import Email
from tests.support.in_memory_tessera import PASSWORD, Tessera

pytestmark = pytest.mark.anyio


class CommitFailingUnitOfWork(InMemoryUnitOfWork):
    """Every commit fails, as when the database goes away at that moment: nothing is stored."""

    async def commit(self) -> None:
        raise StorageUnavailable


class CommitsFail(Provider):
    uow = provide(CommitFailingUnitOfWork, provides=UnitOfWork, scope=Scope.REQUEST)


async def failing(app: Tessera) -> Tessera:
    """Another process over the same store, whose commits all fail."""
    return await Tessera.start(app.store, app.clock, CommitsFail())


async def test_a_login_whose_session_fails_to_commit_is_not_audited_as_a_success(app: Tessera) -> None:
    broken = await failing(app)

    with pytest.raises(StorageUnavailable):
        await broken.log_in()

    assert broken.events.events == []
    assert app.store.tables.sessions == {}


async def test_a_wrong_password_is_audited_even_when_its_count_fails_to_commit(app: Tessera) -> None:
    broken = await failing(app)

    with pytest.raises(StorageUnavailable):
        await broken.log_in_from("198.51.100.7", "ada@example.com", "not the password")

    assert [(e.kind, e.client_address) for e in broken.events.events] == [(EventKind.LOGIN_FAILED, "198.51.100.7")]
    assert app.store.tables.login_failures == {}


async def test_a_disabling_that_fails_to_commit_is_neither_audited_nor_announced(app: Tessera) -> None:
    pair = await app.log_in()
    broken = await failing(app)
    principal = broken.verify(pair.access_token)

    with pytest.raises(StorageUnavailable):
        await broken.run(DisableUser, Email.parse("ada@example.com"), OPERATOR)

    assert broken.events.events == []
    assert broken.verify(pair.access_token) == principal, "this process refuses nothing that was not stored"
    assert not app.store.tables.users[principal.user_id].is_disabled


async def test_a_reused_refresh_token_is_audited_even_when_the_revocation_fails_to_commit(app: Tessera) -> None:
    """The theft was seen: the operator hears of it, although the session could not be revoked."""
    first = await app.log_in()
    await app.refresh(first.refresh_token)
    app.clock.advance(timedelta(minutes=1))  # past the grace window: a second presentation is reuse
    broken = await failing(app)

    with pytest.raises(StorageUnavailable):
        await broken.refresh(first.refresh_token)

    assert [e.kind for e in broken.events.events] == [EventKind.REFRESH_TOKEN_REUSED]
    assert broken.revocations.size() == 0
    assert app.session_of(first).revoked_at is None


async def test_a_refresh_of_a_session_found_revoked_is_audited_and_refused_here_from_then_on(app: Tessera) -> None:
    """Nothing is committed: the refusal is audited, and the revocation another process stored is heard."""
    pair = await app.log_in()
    await app.log_out(app.verify(pair.access_token))
    other = await app.restarted()
    other.verify(pair.access_token)  # this process has not heard of the logout yet

    with pytest.raises(InvalidRefreshToken):
        await other.refresh(pair.refresh_token)

    assert [(e.kind, e.detail) for e in other.events.events] == [(EventKind.REFRESH_REFUSED, "revoked")]
    with pytest.raises(InvalidAccessToken):
        other.verify(pair.access_token)


async def test_a_refused_login_is_audited_once_with_its_count_committed(app: Tessera) -> None:
    with pytest.raises(InvalidCredentials):
        await app.log_in(password=PASSWORD + "!")

    assert [e.kind for e in app.events.events].count(EventKind.LOGIN_FAILED) == 1
    assert app.store.tables.login_failures
