import asyncio
import uuid
from datetime import timedelta
from uuid import UUID

import pytest

from adapters.memory.in_memory_store import InMemoryStore
from adapters.memory.in_memory_unit_of_work import InMemoryUnitOfWork
from domain.events import EventKind, SecurityEvent
from domain.policy import TokenPolicy
from domain.rotation import issue_refresh_token
from domain.sessions import RefreshToken, RevocationReason, Session, hash_refresh_token, open_session
from domain.users import Email, User
from tests.support.fakes import FixedClock

pytestmark = pytest.mark.anyio

CLOCK = FixedClock()
POLICY = TokenPolicy(issuer="https://issuer.example", audience="tessera-api")
ADA = User(UUID(int=1), Email.parse("ada@example.com"), "Ada", "plain$correct horse", (), CLOCK.now())
SESSION = open_session(user=ADA, session_id=UUID(int=2), now=CLOCK.now(), policy=POLICY)
TOKEN = issue_refresh_token(
    SESSION, token_id=UUID(int=3), token_hash=hash_refresh_token("refresh-token-1"), now=CLOCK.now(), policy=POLICY
)


class Abandoned(Exception):
    """Raised to leave a unit of work part-way, the way a failing use case would."""


async def stored_session(store: InMemoryStore) -> Session | None:
    async with InMemoryUnitOfWork(store) as uow:
        return await uow.sessions.get(SESSION.id)


async def stored_token(store: InMemoryStore) -> RefreshToken | None:
    async with InMemoryUnitOfWork(store) as uow:
        return await uow.sessions.find_refresh_token(TOKEN.token_hash)


@pytest.fixture
async def store() -> InMemoryStore:
    """A store holding Ada, one live session of hers, and its refresh token, all committed."""
    store = InMemoryStore()
    async with InMemoryUnitOfWork(store) as uow:
        await uow.users.add(ADA)
        await uow.sessions.add(SESSION)
        await uow.sessions.add_refresh_token(TOKEN)
        await uow.commit()
    return store


async def test_a_committed_change_is_visible_to_the_next_unit_of_work(store):
    assert await stored_session(store) == SESSION
    assert await stored_token(store) == TOKEN
    async with InMemoryUnitOfWork(store) as uow:
        assert await uow.users.get_by_email(Email.parse("ADA@example.com")) == ADA


async def test_leaving_a_unit_of_work_without_commit_stores_nothing():
    store = InMemoryStore()

    async with InMemoryUnitOfWork(store) as uow:
        await uow.users.add(ADA)
        await uow.sessions.add(SESSION)
        assert await uow.users.get(ADA.id) == ADA  # visible inside its own unit of work

    async with InMemoryUnitOfWork(store) as uow:
        assert await uow.users.get(ADA.id) is None
        assert await uow.sessions.get(SESSION.id) is None


async def revoke_then_abandon(store: InMemoryStore) -> None:
    async with InMemoryUnitOfWork(store) as uow:
        revoked = await uow.sessions.revoke(SESSION.id, CLOCK.now(), RevocationReason.LOGOUT)
        raise Abandoned(revoked)


async def test_a_revocation_in_a_unit_of_work_left_by_an_exception_never_happened(store):
    with pytest.raises(Abandoned) as abandoned:
        await revoke_then_abandon(store)

    assert abandoned.value.args == (True,)  # the revocation was decided before the failure

    session = await stored_session(store)
    assert session is not None
    assert not session.is_revoked
    async with InMemoryUnitOfWork(store) as uow:
        assert await uow.sessions.revoked_since(CLOCK.now() - timedelta(days=1)) == []


async def test_a_change_made_after_the_last_commit_is_discarded(store):
    async with InMemoryUnitOfWork(store) as uow:
        assert await uow.sessions.spend_refresh_token(TOKEN.id, CLOCK.now(), uuid.uuid4(), "00")
        await uow.commit()
        await uow.sessions.revoke(SESSION.id, CLOCK.now(), RevocationReason.LOGOUT)

    token, session = await stored_token(store), await stored_session(store)
    assert token is not None
    assert token.rotated_at == CLOCK.now()
    assert session is not None
    assert not session.is_revoked


async def test_a_refresh_token_is_spent_at_most_once_by_concurrent_units_of_work(store):
    async def spend() -> bool:
        async with InMemoryUnitOfWork(store) as uow:
            await asyncio.sleep(0)  # let the other unit of work run here, were the two not serialized
            won = await uow.sessions.spend_refresh_token(TOKEN.id, CLOCK.now(), uuid.uuid4(), "00")
            await asyncio.sleep(0)
            await uow.commit()
            return won

    outcomes = await asyncio.gather(*(spend() for _ in range(2)))

    assert sorted(outcomes) == [False, True]
    token = await stored_token(store)
    assert token is not None
    assert token.rotated_at == CLOCK.now()


async def test_a_unit_of_work_left_by_an_exception_does_not_block_the_next(store):
    with pytest.raises(Abandoned):
        async with InMemoryUnitOfWork(store):
            raise Abandoned

    async with asyncio.timeout(1):  # a lock left held would hang here instead of failing
        assert await stored_session(store) == SESSION


async def test_a_unit_of_work_built_without_a_dispatcher_refuses_an_event_rather_than_lose_it() -> None:
    uow = InMemoryUnitOfWork(InMemoryStore())
    with pytest.raises(RuntimeError, match="without an event dispatcher"):
        async with uow:
            uow.record(SecurityEvent(EventKind.LOGGED_OUT))
            await uow.commit()
    with pytest.raises(RuntimeError, match="without an event dispatcher"):
        uow.record(SecurityEvent(EventKind.LOGIN_FAILED))
