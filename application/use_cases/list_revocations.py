from dataclasses import dataclass
from datetime import datetime

from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork
from domain.revocation_feed import RevocationFeed
from domain.sessions import Revocation


@dataclass(frozen=True, slots=True)
class RevocationPage:
    revocations: tuple[Revocation, ...]
    """Oldest first; may repeat some the reader was already given (see `RevocationFeed`)."""
    cursor: datetime
    """What the reader presents next time: the moment this read began."""


class ListRevocations:
    """The sessions revoked since a trusted client's cursor, read from storage (so every replica
    answers alike), for the verifiers of downstream services."""

    def __init__(self, uow: UnitOfWork, clock: Clock, feed: RevocationFeed) -> None:
        self._uow = uow
        self._clock = clock
        self._feed = feed

    async def execute(self, after: datetime | None) -> RevocationPage:
        now = self._clock.now()
        async with self._uow as uow:
            revocations = await uow.sessions.revoked_since(self._feed.since(now, after))
        return RevocationPage(tuple(revocations), now)
