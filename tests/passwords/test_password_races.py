"""A login racing a password change or reset (security review 3, item 1): no session outlives a change
that committed before it was opened, and a login's rehash never puts the old password back.

The races are made, not waited for: the login is held at a gate (after its password check, or inside its
unit of work before commit) while the change or reset runs, on every store."""

import asyncio
import base64
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from types import TracebackType
from typing import Self
from uuid import UUID

import pytest
from sqlalchemy import text

from adapters.sql.database import create_engine, session_factory
from adapters.sql.sql_unit_of_work import SqlUnitOfWork
from application.login_throttle import LoginThrottle
from application.ports.event_dispatcher import RecordedEvent
from application.ports.unit_of_work import UnitOfWork
from application.results import Principal
from application.session_revoker import SessionRevoker
from application.token_pairs import TokenPairIssuer
from application.use_cases.change_password import ChangePassword, PasswordChange
from application.use_cases.confirm_password_reset import ConfirmPasswordReset
from application.use_cases.log_in import Credentials, LogIn
from application.user_changes import UserChanges
from domain.errors import InvalidCredentials
from domain.password_resets import issue_reset_token
from domain.policy import TokenPolicy
from domain.throttling import ThrottlePolicy
from domain.users import User
from tests.support.builders import T0, a_refresh_token, a_session, a_user
from tests.support.fakes import (
    UNSIGNED_PREFIX,
    FixedClock,
    JsonTokenSigner,
    PlainPasswordHasher,
    SequentialTokenGenerator,
)
from tests.support.heard import Heard
from tests.support.storage_contract import UnitOfWorkFactory

pytestmark = pytest.mark.anyio

OLD, NEW = "the old password", "the new password"
RESET_SECRET = "a-mailed-reset-token"
FOREIGN_OLD_HASH = f"plain-imported${OLD}"
"""Verifies with the old password and needs a rehash at login, as an imported Django hash does."""


class GatedHasher(PlainPasswordHasher):
    """Holds each password check, once it has answered, until the test releases it."""

    def __init__(self) -> None:
        super().__init__()
        self.checked = asyncio.Event()
        self.release = asyncio.Event()

    async def verify(self, password_hash: str, password: str) -> bool:
        answer = await super().verify(password_hash, password)
        self.checked.set()
        await self.release.wait()
        return answer


class CommitGate(UnitOfWork):
    """A unit of work that stops at `commit` until released: its transaction, and its locks, held open."""

    def __init__(self, inner: UnitOfWork) -> None:
        self._inner = inner
        self.reached = asyncio.Event()
        self.release = asyncio.Event()

    async def __aenter__(self) -> Self:
        entered = await self._inner.__aenter__()
        self.users, self.sessions = entered.users, entered.sessions
        self.login_failures, self.signing_keys = entered.login_failures, entered.signing_keys
        self.password_resets = entered.password_resets
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self._inner.__aexit__(exc_type, exc, tb)

    async def commit(self) -> None:
        self.reached.set()
        await self.release.wait()
        await self._inner.commit()

    def record(self, event: RecordedEvent) -> None:
        self._inner.record(event)


class Service:
    """The three use cases over one store, wired as the composition root wires them."""

    def __init__(self, new_uow: UnitOfWorkFactory) -> None:
        self.new_uow = new_uow
        self.clock = FixedClock(T0)
        self.revoker = SessionRevoker(self.clock)
        self.changes = UserChanges(self.clock)
        self.issuer = TokenPairIssuer(JsonTokenSigner(), SequentialTokenGenerator(), TokenPolicy("iss", "aud"))

    def log_in(self, hasher: PlainPasswordHasher, uow: UnitOfWork | None = None) -> LogIn:
        uow = uow or self.new_uow()
        throttle = LoginThrottle(self.new_uow(), ThrottlePolicy())
        return LogIn(uow, hasher, self.issuer, self.clock, throttle)

    def reset(self) -> ConfirmPasswordReset:
        return ConfirmPasswordReset(self.new_uow(), PlainPasswordHasher(), self.revoker, self.changes, self.clock)

    def change(self) -> ChangePassword:
        throttle = LoginThrottle(self.new_uow(), ThrottlePolicy())
        hasher = PlainPasswordHasher()
        return ChangePassword(self.new_uow(), hasher, throttle, self.revoker, self.changes, self.clock)

    async def stored_user(self, user_id: UUID) -> User:
        async with self.new_uow() as uow:
            user = await uow.users.get(user_id)
        assert user is not None
        return user

    async def live_sessions(self, user_id: UUID) -> set[UUID]:
        async with self.new_uow() as uow:
            return {session.id for session in await uow.sessions.live_of_user(user_id, self.clock.now())}


async def _owner(service: Service, password_hash: str = FOREIGN_OLD_HASH) -> User:
    user = replace(a_user(), password_hash=password_hash)
    async with service.new_uow() as uow:
        await uow.users.add(user)
        await uow.password_resets.add(issue_reset_token(user.id, RESET_SECRET, T0))
        await uow.commit()
    return user


async def _owner_changes_password(service: Service, user: User) -> set[UUID]:
    """The owner, signed in elsewhere, changes the password: the session that changed it stays."""
    session = a_session(user)
    async with service.new_uow() as uow:
        await uow.sessions.add(session)
        await uow.sessions.add_refresh_token(a_refresh_token(session))
        await uow.commit()
    principal = Principal(user_id=user.id, session_id=session.id, token_id=session.id, roles=())
    await service.change().execute(principal, PasswordChange(current_password=OLD, new_password=NEW))
    return {session.id}


async def _owner_resets_password(service: Service, user: User) -> set[UUID]:
    """The owner confirms a mailed reset: no session stays."""
    await service.reset().execute(RESET_SECRET, NEW)
    return set()


OLD_HASHES = {"rehashed-at-login": FOREIGN_OLD_HASH, "current-format": f"plain${OLD}"}
OWNER_ACTS = {"reset": _owner_resets_password, "change": _owner_changes_password}


@pytest.mark.parametrize("owner_acts", OWNER_ACTS.values(), ids=OWNER_ACTS.keys())
@pytest.mark.parametrize("old_hash", OLD_HASHES.values(), ids=OLD_HASHES.keys())
async def test_a_login_checked_before_the_owner_replaced_the_password_opens_no_session_and_keeps_the_new_one(
    new_uow: UnitOfWorkFactory,
    owner_acts: Callable[[Service, User], Awaitable[set[UUID]]],
    old_hash: str,
) -> None:
    service = Service(new_uow)
    user = await _owner(service, old_hash)
    attacker = GatedHasher()
    login = asyncio.create_task(service.log_in(attacker).execute(Credentials(str(user.email), OLD)))
    await _reached(attacker.checked, login)  # the old password has verified; the session is not open yet

    kept = await owner_acts(service, user)
    attacker.release.set()

    with pytest.raises(InvalidCredentials):
        await login
    stored = await service.stored_user(user.id)
    assert stored.password_hash == f"plain${NEW}"  # not the old password, rehashed back in
    assert await service.live_sessions(user.id) == kept
    await service.log_in(PlainPasswordHasher()).execute(Credentials(str(user.email), NEW))
    with pytest.raises(InvalidCredentials):
        await service.log_in(PlainPasswordHasher()).execute(Credentials(str(user.email), OLD))


async def test_two_logins_racing_to_rehash_one_imported_hash_both_succeed_and_leave_one_hash(
    new_uow: UnitOfWorkFactory,
) -> None:
    service = Service(new_uow)
    user = await _owner(service)
    first, second = GatedHasher(), GatedHasher()
    one = asyncio.create_task(service.log_in(first).execute(Credentials(str(user.email), OLD)))
    two = asyncio.create_task(service.log_in(second).execute(Credentials(str(user.email), OLD)))
    await _reached(first.checked, one, two)
    await _reached(second.checked, one, two)
    first.release.set()
    await one  # rehashed; the second now finds another hash than it checked, and checks the password again
    second.release.set()
    await two

    assert (await service.stored_user(user.id)).password_hash == f"plain${OLD}"
    assert len(await service.live_sessions(user.id)) == 2


async def _reached(gate: asyncio.Event, *tasks: "asyncio.Task[object]") -> None:
    """Waits for the gate; a task that ends before it does (an adapter that lost the user, say) fails
    the test with its own outcome instead of leaving it waiting."""
    waiter = asyncio.create_task(gate.wait())
    done, _ = await asyncio.wait([waiter, *tasks], timeout=60, return_when=asyncio.FIRST_COMPLETED)
    waiter.cancel()
    assert waiter in done, [task.result() for task in done] or "the gate was never reached"


async def _until(condition: Callable[[], Awaitable[bool]], seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while not await condition():
        assert time.monotonic() < deadline, "the condition never held"
        await asyncio.sleep(0.02)


@pytest.mark.postgres
@pytest.mark.parametrize("owner_acts", OWNER_ACTS.values(), ids=OWNER_ACTS.keys())
@pytest.mark.parametrize("old_hash", OLD_HASHES.values(), ids=OLD_HASHES.keys())
async def test_a_session_opened_while_the_owner_replaces_the_password_is_ended_by_it_on_postgres(
    clean_postgres_url: str, owner_acts: Callable[[Service, User], Awaitable[set[UUID]]], old_hash: str
) -> None:
    """The other order, where only PostgreSQL lets it happen: the login's unit of work has opened the
    session but not committed when the change or reset begins. (SQLite's units of work hold its one
    write lock from BEGIN IMMEDIATE, and the memory store's hold its lock: they cannot overlap.)"""
    engine = create_engine(clean_postgres_url)
    sessions = session_factory(engine)
    heard = Heard()
    service = Service(lambda: SqlUnitOfWork(sessions, heard.dispatcher))
    user = await _owner(service, old_hash)
    gate = CommitGate(service.new_uow())
    login = asyncio.create_task(service.log_in(PlainPasswordHasher(), gate).execute(Credentials(str(user.email), OLD)))
    await _reached(gate.reached, login)
    owner = asyncio.create_task(owner_acts(service, user))

    async def owner_done_or_waiting_for_the_login() -> bool:
        async with engine.connect() as connection:
            waiting = await connection.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_activity"
                    " WHERE wait_event_type = 'Lock' AND datname = current_database()"
                )
            )
        return owner.done() or bool(waiting)

    await _until(owner_done_or_waiting_for_the_login)
    gate.release.set()
    pair = await login  # the login committed first ...
    kept = await owner

    opened = _session_of(pair.access_token)
    async with service.new_uow() as uow:
        stored = await uow.sessions.get(opened)
    assert stored is not None and stored.revoked_at is not None  # ... and the change ended its session
    assert await service.live_sessions(user.id) == kept
    assert (await service.stored_user(user.id)).password_hash == f"plain${NEW}"
    await engine.dispose()


def _session_of(access_token: str) -> UUID:
    payload = access_token.removeprefix(UNSIGNED_PREFIX)
    return UUID(json.loads(base64.urlsafe_b64decode(payload))["sid"])
