from dataclasses import dataclass

from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork
from application.results import Principal, SessionSummary

MAX_PAGE = 100
DEFAULT_PAGE = 50


@dataclass(frozen=True, slots=True)
class SessionsPage:
    sessions: tuple[SessionSummary, ...]
    next_offset: int | None
    """Where the next page starts, or None when this one is the last."""


class ListSessions:
    """A page of the caller's live sessions: newest first, ties by descending id (a stable order), at
    most `MAX_PAGE` a call, the one their token belongs to marked current (on whichever page it falls).

    Pages are read by offset: a session that ends between two reads shifts the later ones by one, so a
    device may be skipped once. Accepted: the list is a person's own devices, read again at will, and
    no decision hangs on it being complete (ending a device reads the live sessions afresh, unpaged)."""

    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def execute(self, principal: Principal, limit: int = DEFAULT_PAGE, offset: int = 0) -> SessionsPage:
        limit, offset = max(1, min(limit, MAX_PAGE)), max(0, offset)
        async with self._uow as uow:
            # One more than the page: whether another follows is known, not guessed from a full page.
            live = await uow.sessions.live_of_user(principal.user_id, self._clock.now(), limit=limit + 1, offset=offset)
        shown = tuple(
            SessionSummary(
                s.id, s.created_at, s.last_used_at, s.user_agent, s.client_address, s.id == principal.session_id
            )
            for s in live[:limit]
        )
        return SessionsPage(shown, offset + limit if len(live) > limit else None)
