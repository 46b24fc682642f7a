from datetime import UTC, datetime, timedelta
from uuid import UUID

from domain.revocation_feed import FeedCursor, FeedRead, RevocationFeed, feed_order
from domain.sessions import Revocation

NOW = datetime(2026, 1, 1, 12, tzinfo=UTC)
FEED = RevocationFeed(window=timedelta(minutes=15, seconds=30), margin=timedelta(seconds=30))


def test_a_reader_without_a_cursor_reads_the_whole_revocation_window() -> None:
    assert FEED.since(NOW, None) == NOW - timedelta(minutes=15, seconds=30)


def test_a_reader_reads_a_margin_before_its_cursor_so_a_late_commit_is_not_missed() -> None:
    assert FEED.since(NOW, NOW - timedelta(seconds=1)) == NOW - timedelta(seconds=31)


def test_a_reader_never_reads_further_back_than_the_window() -> None:
    assert FEED.since(NOW, NOW - timedelta(days=3)) == NOW - timedelta(minutes=15, seconds=30)


def test_a_cursor_from_the_future_counts_as_now() -> None:
    assert FEED.since(NOW, NOW + timedelta(days=3)) == NOW - timedelta(seconds=30)


def _revocation(seconds: int, sid: int) -> Revocation:
    return Revocation(UUID(int=sid), NOW - timedelta(seconds=seconds))


def test_a_full_page_continues_after_its_last_entry_and_keeps_the_moment_its_read_began() -> None:
    read = FEED.read(NOW, None)
    found = [_revocation(9, 1), _revocation(9, 2), _revocation(8, 3)]

    page = FEED.page(read, found, limit=2)

    assert page.revocations == (found[0], found[1]) and page.more
    assert page.cursor == FeedCursor(NOW, found[1])
    later = FEED.read(NOW + timedelta(minutes=5), page.cursor)
    assert (later.after, later.began) == (found[1], NOW)
    assert later.since == NOW + timedelta(minutes=5) - FEED.window


def test_the_last_page_of_a_read_hands_back_the_moment_the_read_began() -> None:
    """So the next read goes a margin back from the start of the whole read, not from its last page."""
    began = NOW - timedelta(minutes=2)
    continuing = FEED.read(NOW, FeedCursor(began, _revocation(200, 1)))

    page = FEED.page(continuing, [_revocation(100, 2)], limit=2)

    assert not page.more and page.cursor == FeedCursor(began)
    assert FEED.read(NOW, page.cursor) == FeedRead(began - FEED.margin, None, NOW)


def test_a_page_exactly_full_with_nothing_after_is_the_last() -> None:
    page = FEED.page(FEED.read(NOW, None), [_revocation(9, 1), _revocation(8, 2)], limit=2)

    assert not page.more and page.cursor == FeedCursor(NOW)


def test_a_continuation_from_the_future_counts_as_now() -> None:
    read = FEED.read(NOW, FeedCursor(NOW + timedelta(days=1), _revocation(-60, 1)))

    assert read.began == NOW


def test_the_feed_order_breaks_ties_of_one_moment_by_session_id() -> None:
    same_moment = [_revocation(5, 3), _revocation(5, 1), _revocation(6, 9)]

    assert [r.session_id.int for r in sorted(same_moment, key=feed_order)] == [9, 1, 3]
