"""What the services that consume tessera's tokens read to refuse a revoked session's access tokens."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.sessions import Revocation

FEED_PAGE_MAX = 1000
"""The most revocations one answer of the feed carries: a mass revocation (a user with thousands of
sessions logging out everywhere) is read in pages, never in one unbounded answer."""


@dataclass(frozen=True, slots=True)
class FeedCursor:
    """Where a reader of the feed stands, as tessera told it.

    `began`: the moment its current read began; a read is one page or several, and the next read goes
    back from `began`, not from the moment its last page was served, so however long paging took, no
    revocation that committed meanwhile is missed. `last`: the last revocation it was given, while more
    pages of the same read follow (None: the read is complete)."""

    began: datetime
    last: Revocation | None = None


@dataclass(frozen=True, slots=True)
class FeedRead:
    """One page to read from storage: the revocations at or after `since`, past `after` in feed order."""

    since: datetime
    after: Revocation | None
    began: datetime


@dataclass(frozen=True, slots=True)
class FeedPage:
    revocations: tuple[Revocation, ...]
    cursor: FeedCursor
    more: bool
    """True: the page was full and more revocations may follow; the reader asks again at once with `cursor`."""


def feed_order(revocation: Revocation) -> tuple[datetime, int]:
    """The feed's total order: by moment, then by session id (a UUID's integer is its bytes' order,
    as PostgreSQL and SQLite compare them). Many sessions revoked in one transaction share a moment."""
    return revocation.revoked_at, revocation.session_id.int


@dataclass(frozen=True, slots=True)
class RevocationFeed:
    """The revocations a downstream verifier is told about, read from a cursor it got from the last read.

    Every revocation is a session's (logging out everywhere and disabling a user revoke each of the
    user's sessions in the same transaction), so one kind of entry is enough.

    A revocation is stamped when its transaction starts writing but seen only once it commits, and
    replicas' clocks differ a little: a read from exactly the last cursor would miss one committed
    late. So a read goes `margin` further back than its cursor, and the reader drops the entries it
    already knows. Never further back than `window`: an older revocation only concerns tokens that
    have expired.

    An answer holds at most one page; the pages of one read continue strictly after the last entry
    given, in `feed_order`, so none is skipped or repeated between them, however many share a moment."""

    window: timedelta
    margin: timedelta

    def since(self, now: datetime, after: datetime | None) -> datetime:
        """From where to read for a reader whose cursor is `after` (None: it knows nothing yet).
        A cursor from the future (a forged or corrupted one) counts as now."""
        floor = now - self.window
        if after is None:
            return floor
        return max(floor, min(after, now) - self.margin)

    def read(self, now: datetime, cursor: FeedCursor | None) -> FeedRead:
        """The page a reader at `cursor` gets next: a new read (from the margin before the last one's
        start), or the next page of a read under way (past its last entry, within the window)."""
        if cursor is None or cursor.last is None:
            return FeedRead(self.since(now, None if cursor is None else cursor.began), None, now)
        return FeedRead(now - self.window, cursor.last, min(cursor.began, now))

    @staticmethod
    def page(read: FeedRead, found: Sequence[Revocation], limit: int) -> FeedPage:
        """`found`: up to `limit + 1` revocations of `read`, in feed order; one past `limit` means more follow."""
        shown = tuple(found[:limit])
        if len(found) > limit and shown:
            return FeedPage(shown, FeedCursor(read.began, shown[-1]), more=True)
        return FeedPage(shown, FeedCursor(read.began), more=False)
