"""GET /oauth/revocations: the revocation feed that downstream verifiers (tessera-verifier) poll."""

from datetime import UTC, datetime, timedelta
from typing import Annotated
from uuid import UUID

import msgspec
from dishka.integrations.litestar import FromDishka, inject
from litestar import get
from litestar.datastructures import CacheControlHeader
from litestar.params import Parameter

from application.use_cases.list_revocations import ListRevocations
from domain.revocation_feed import FEED_PAGE_MAX, FeedCursor, FeedPage, RevocationFeed
from domain.sessions import Revocation
from entrypoints.http.auth.client_authentication import TRUSTED_CLIENT
from entrypoints.http.bodies.oauth import CLIENT_PROBLEMS
from entrypoints.http.openapi.error_responses import error_responses

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)
CURSOR_PATTERN = r"^[0-9]{1,17}(\.[0-9]{1,17}\.[0-9a-f]{32})?$"
"""Opaque to the reader, who only hands it back: microseconds since the epoch (when the read began),
then, while more pages follow, the moment and session id of the last entry given."""


class RevokedSession(msgspec.Struct):
    sid: str
    revoked_at: float
    """Seconds since the epoch."""


class RevocationFeedResponse(msgspec.Struct):
    revocations: list[RevokedSession]
    """Oldest first, then by session id; at most `limit`."""
    cursor: str
    """To present as `after` next time."""
    window: int
    """Seconds: how long after `revoked_at` a revocation matters (the longest an access token lives, plus leeway)."""
    more: bool
    """True: this page is full and more revocations follow; ask again at once with `cursor`."""


def _micros(moment: datetime) -> str:
    return str((moment - EPOCH) // MICROSECOND)


def encode_cursor(cursor: FeedCursor) -> str:
    if cursor.last is None:
        return _micros(cursor.began)
    return f"{_micros(cursor.began)}.{_micros(cursor.last.revoked_at)}.{cursor.last.session_id.hex}"


def decode_cursor(cursor: str | None) -> FeedCursor | None:
    """A cursor matching `CURSOR_PATTERN` (the route has checked it)."""
    if cursor is None:
        return None
    began, *last = cursor.split(".")
    moment = EPOCH + int(began) * MICROSECOND
    if not last:
        return FeedCursor(moment)
    revoked_at, session_id = last
    return FeedCursor(moment, Revocation(UUID(hex=session_id), EPOCH + int(revoked_at) * MICROSECOND))


def feed_response(page: FeedPage, feed: RevocationFeed) -> RevocationFeedResponse:
    return RevocationFeedResponse(
        revocations=[RevokedSession(str(r.session_id), r.revoked_at.timestamp()) for r in page.revocations],
        cursor=encode_cursor(page.cursor),
        window=int(feed.window.total_seconds()),
        more=page.more,
    )


@get(
    "/revocations",
    cache_control=CacheControlHeader(no_store=True),
    summary="The sessions revoked since a cursor, for the verifiers of downstream services, a page at a time",
    description="Without `after`, every session revoked within the revocation window (the longest an access "
    "token lives, plus leeway); with the `cursor` of the last answer, those revoked since, plus a few seconds "
    "more (a revocation committed late is not missed: drop the ones already known). Logging out everywhere "
    f"and disabling a user list each of the user's sessions. At most `limit` (≤ {FEED_PAGE_MAX}) a page, oldest "
    "first, ties by session id; while `more` is true, ask again at once with the new `cursor` (the next page "
    "continues after the last entry given, none skipped or repeated). Poll about once a second.",
    security=TRUSTED_CLIENT,
    responses={
        **error_responses(
            e400="`after` is not a cursor tessera gave, or `limit` is out of range (the detail names it)"
        ),
        401: CLIENT_PROBLEMS[401],
    },
)
@inject
async def revocations(
    use_case: FromDishka[ListRevocations],
    feed: FromDishka[RevocationFeed],
    after: Annotated[
        str | None, Parameter(pattern=CURSOR_PATTERN, description="The `cursor` of the previous answer")
    ] = None,
    limit: Annotated[
        int, Parameter(ge=1, le=FEED_PAGE_MAX, description=f"Revocations per page (at most {FEED_PAGE_MAX})")
    ] = FEED_PAGE_MAX,
) -> RevocationFeedResponse:
    return feed_response(await use_case.execute(decode_cursor(after), limit), feed)
