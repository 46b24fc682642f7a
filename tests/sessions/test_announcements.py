"""What a process announces of its own changes: only what committed."""

import pytest
from dishka import Provider, Scope, provide

from adapters.memory.in_memory_unit_of_work import InMemoryUnitOfWork
from application.errors import StorageUnavailable
from application.ports.unit_of_work import UnitOfWork
from application.use_cases.log_out import LogOut
from application.use_cases.log_out_everywhere import LogOutEverywhere
from domain.errors import InvalidAccessToken
from tests.support.in_memory_tessera import Tessera

pytestmark = pytest.mark.anyio


class CommitFailingUnitOfWork(InMemoryUnitOfWork):
    """The in-memory store whose every commit fails, as when the database goes away at that moment:
    the working copy is dropped and nothing is stored."""

    async def commit(self) -> None:
        raise StorageUnavailable


class CommitsFail(Provider):
    uow = provide(CommitFailingUnitOfWork, provides=UnitOfWork, scope=Scope.REQUEST)


@pytest.mark.parametrize("use_case", [LogOut, LogOutEverywhere], ids=["log_out", "log_out_everywhere"])
async def test_a_revocation_whose_commit_fails_is_never_announced_and_the_token_stays_accepted(
    app: Tessera, use_case: type
) -> None:
    pair = await app.log_in()
    failing = await Tessera.start(app.store, app.clock, CommitsFail())
    principal = failing.verify(pair.access_token)

    with pytest.raises(StorageUnavailable):
        await failing.run(use_case, principal)

    assert failing.verify(pair.access_token) == principal, "this process does not refuse what was never stored"
    assert failing.revocations.size() == 0
    assert app.session_of(pair).revoked_at is None


@pytest.mark.parametrize("use_case", [LogOut, LogOutEverywhere], ids=["log_out", "log_out_everywhere"])
async def test_a_revocation_that_commits_is_refused_by_this_process_at_once(app: Tessera, use_case: type) -> None:
    pair = await app.log_in()

    await app.run(use_case, app.verify(pair.access_token))

    with pytest.raises(InvalidAccessToken):
        app.verify(pair.access_token)
    assert app.session_of(pair).revoked_at == app.clock.now()
