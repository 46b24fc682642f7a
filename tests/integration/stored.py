"""Reading back what the app under test stored, through its own storage: not from any answer."""

from uuid import UUID

from dishka import AsyncContainer

from application.ports.unit_of_work import UnitOfWork
from domain.sessions import Session
from tests.integration.flows import Client


async def stored_session(client: Client, session_id: str | UUID) -> Session | None:
    container: AsyncContainer = client.app.state.dishka_container
    async with container() as request:
        uow = await request.get(UnitOfWork)  # type: ignore[type-abstract]
        async with uow:
            return await uow.sessions.get(UUID(str(session_id)))
