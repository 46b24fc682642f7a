"""The SpentLegacyCookies contract over memory, SQLite and PostgreSQL: a stateless legacy cookie is
spent once until its expiry, under any concurrency, and forgetting it makes it spendable again."""

import asyncio
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from adapters.memory.in_memory_spent_legacy_cookies import InMemorySpentLegacyCookies
from adapters.sql.database import create_engine, session_factory
from adapters.sql.models import SpentLegacyCookieRow
from adapters.sql.sql_spent_legacy_cookies import SqlSpentLegacyCookies
from application.ports.spent_legacy_cookies import SpentLegacyCookies

pytestmark = pytest.mark.anyio
NOW = datetime(2026, 12, 6, 5, 0, tzinfo=UTC)
Stored = Callable[[], Awaitable[dict[str, datetime]]]
Spent = tuple[SpentLegacyCookies, Stored]


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def spent(request: pytest.FixtureRequest) -> AsyncIterator[Spent]:
    if request.param == "memory":
        memory = InMemorySpentLegacyCookies()

        async def in_memory() -> dict[str, datetime]:
            return dict(memory.spent)

        yield memory, in_memory
        return
    engine = create_engine(request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "clean_postgres_url"))
    sessions = session_factory(engine)

    async def in_table() -> dict[str, datetime]:
        async with sessions() as db:
            rows = (await db.execute(select(SpentLegacyCookieRow.digest, SpentLegacyCookieRow.spent_until))).all()
        return {digest: until for digest, until in rows}

    yield SqlSpentLegacyCookies(sessions), in_table
    await engine.dispose()


def digest() -> str:
    return secrets.token_hex(32)


async def test_a_cookie_is_spent_once_until_its_expiry_and_the_record_is_stored(spent: Spent) -> None:
    port, stored = spent
    cookie, until = digest(), NOW + timedelta(hours=1)
    assert await port.spend(cookie, until, NOW)
    assert not await port.spend(cookie, until, NOW + timedelta(minutes=59))
    assert (await stored())[cookie] == until


async def test_a_record_past_its_expiry_no_longer_counts(spent: Spent) -> None:
    port, stored = spent
    cookie = digest()
    assert await port.spend(cookie, NOW + timedelta(hours=1), NOW)
    later = NOW + timedelta(hours=2)
    assert await port.spend(cookie, later + timedelta(hours=1), later)
    assert (await stored())[cookie] == later + timedelta(hours=1)


async def test_of_concurrent_spends_of_one_cookie_exactly_one_succeeds(spent: Spent) -> None:
    port, _ = spent
    cookie = digest()
    results = await asyncio.gather(*(port.spend(cookie, NOW + timedelta(hours=1), NOW) for _ in range(12)))
    assert sorted(results) == [False] * 11 + [True]


async def test_a_forgotten_cookie_can_be_spent_again_and_others_stay_spent(spent: Spent) -> None:
    port, stored = spent
    cookie, other = digest(), digest()
    await port.spend(cookie, NOW + timedelta(hours=1), NOW)
    await port.spend(other, NOW + timedelta(hours=1), NOW)
    await port.forget(cookie)
    assert cookie not in await stored() and other in await stored()
    assert await port.spend(cookie, NOW + timedelta(hours=1), NOW)
