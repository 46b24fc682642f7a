"""ListRevocations reads the feed a page at a time (third review, item 15), on an exact clock."""

from datetime import timedelta

import pytest

from application.use_cases.list_revocations import ListRevocations
from domain.revocation_feed import FEED_PAGE_MAX, FeedCursor, FeedPage, feed_order
from domain.sessions import RevocationReason
from tests.support.builders import a_session
from tests.support.in_memory_tessera import Tessera

pytestmark = pytest.mark.anyio


async def test_a_logout_everywhere_is_read_in_pages_and_the_last_hands_back_the_start_of_the_read(
    app: Tessera,
) -> None:
    logins = [await app.log_in() for _ in range(5)]
    await app.log_out_everywhere(app.verify(logins[0].access_token))
    started = app.clock.now()
    stored = sorted((app.session_of(pair) for pair in logins), key=lambda s: s.id.int)

    pages: list[FeedPage] = [await app.run(ListRevocations, None, 2)]
    while pages[-1].more and len(pages) < 10:
        app.clock.advance(timedelta(minutes=1))  # paging slowly: the next read still counts from the start
        pages.append(await app.run(ListRevocations, pages[-1].cursor, 2))

    listed = [r for page in pages for r in page.revocations]
    assert [len(page.revocations) for page in pages] == [2, 2, 1]
    assert [r.session_id for r in listed] == [s.id for s in stored]  # one moment: by session id
    assert listed == sorted(listed, key=feed_order)
    assert pages[0].cursor == FeedCursor(started, listed[1])
    assert pages[-1].cursor == FeedCursor(started)


async def test_no_page_holds_more_than_the_most_whatever_the_limit_asked(app: Tessera) -> None:
    user = next(iter(app.store.tables.users.values()))
    for _ in range(FEED_PAGE_MAX + 1):
        session = a_session(user, at=app.clock.now()).revoke(app.clock.now(), RevocationReason.ENDED_BY_ADMIN)
        app.store.tables.sessions[session.id] = session

    page = await app.run(ListRevocations, None, 10**9)

    assert (len(page.revocations), page.more) == (FEED_PAGE_MAX, True)
