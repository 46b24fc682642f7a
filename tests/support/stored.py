"""Reading back what the app under test stored, through its own storage: not from any answer.

The test client runs the app on an event loop of its own (a blocking portal's thread), and the
app's database connections belong to that loop (asyncpg's cannot be used from another): so every
read runs there too.
"""

from collections.abc import Awaitable, Callable
from typing import TypeVar
from uuid import UUID

import anyio.to_thread
from dishka import AsyncContainer

from application.ports.unit_of_work import UnitOfWork
from domain.sessions import Session
from tests.support.flows import Client

T = TypeVar("T")


async def in_app(client: Client, work: Callable[[AsyncContainer], Awaitable[T]]) -> T:
    """`work(container)`, run on the app's own event loop."""
    container: AsyncContainer = client.app.state.dishka_container

    async def run() -> T:
        return await work(container)

    return await anyio.to_thread.run_sync(client.blocking_portal.call, run)


async def stored_session(client: Client, session_id: str | UUID) -> Session | None:
    async def read(container: AsyncContainer) -> Session | None:
        async with container() as request:
            uow = await request.get(UnitOfWork)  # type: ignore[type-abstract]
            async with uow:
                return await uow.sessions.get(UUID(str(session_id)))

    return await in_app(client, read)
