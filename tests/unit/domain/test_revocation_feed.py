from datetime import UTC, datetime, timedelta

from domain.revocation_feed import RevocationFeed

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
