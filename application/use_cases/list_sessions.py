from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork
from application.results import Principal, SessionSummary


class ListSessions:
    """The caller's live sessions, newest first, the one their token belongs to marked current."""

    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def execute(self, principal: Principal) -> list[SessionSummary]:
        async with self._uow as uow:
            live = await uow.sessions.live_of_user(principal.user_id, self._clock.now())
        return [
            SessionSummary(
                s.id, s.created_at, s.last_used_at, s.user_agent, s.client_address, s.id == principal.session_id
            )
            for s in live
        ]
