from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork
from domain.revocation_feed import FEED_PAGE_MAX, FeedCursor, FeedPage, RevocationFeed


class ListRevocations:
    """One page of the sessions revoked since a trusted client's cursor, read from storage (so every
    replica answers alike), for the verifiers of downstream services. At most `FEED_PAGE_MAX` a page:
    a reader told `more` asks again at once with the cursor it was given."""

    def __init__(self, uow: UnitOfWork, clock: Clock, feed: RevocationFeed) -> None:
        self._uow = uow
        self._clock = clock
        self._feed = feed

    async def execute(self, cursor: FeedCursor | None, limit: int = FEED_PAGE_MAX) -> FeedPage:
        limit = max(1, min(limit, FEED_PAGE_MAX))
        read = self._feed.read(self._clock.now(), cursor)
        async with self._uow as uow:
            # One more than the page: whether more follow is known, not guessed from a full page.
            found = await uow.sessions.revoked_since(read.since, after=read.after, limit=limit + 1)
        return self._feed.page(read, found, limit)
