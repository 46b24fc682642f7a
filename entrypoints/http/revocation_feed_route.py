"""GET /oauth/revocations: the revocation feed that downstream verifiers (tessera-verifier) poll."""

from datetime import UTC, datetime, timedelta
from typing import Annotated

import msgspec
from dishka.integrations.litestar import FromDishka, inject
from litestar import get
from litestar.datastructures import CacheControlHeader
from litestar.params import Parameter

from application.use_cases.list_revocations import ListRevocations, RevocationPage
from domain.revocation_feed import RevocationFeed
from entrypoints.http.client_authentication import TRUSTED_CLIENT
from entrypoints.http.oauth_schemas import CLIENT_PROBLEMS
from entrypoints.http.openapi import problems

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)
CURSOR_PATTERN = r"^[0-9]{1,17}$"
"""Microseconds since the epoch, as a string: opaque to the reader, who only hands it back."""


class RevokedSession(msgspec.Struct):
    sid: str
    revoked_at: float
    """Seconds since the epoch."""


class RevocationFeedResponse(msgspec.Struct):
    revocations: list[RevokedSession]
    cursor: str
    """To present as `after` next time."""
    window: int
    """Seconds: how long after `revoked_at` a revocation matters (the longest an access token lives, plus leeway)."""


def encode_cursor(moment: datetime) -> str:
    return str((moment - EPOCH) // MICROSECOND)


def decode_cursor(cursor: str | None) -> datetime | None:
    return None if cursor is None else EPOCH + int(cursor) * MICROSECOND


def feed_response(page: RevocationPage, feed: RevocationFeed) -> RevocationFeedResponse:
    return RevocationFeedResponse(
        revocations=[RevokedSession(str(r.session_id), r.revoked_at.timestamp()) for r in page.revocations],
        cursor=encode_cursor(page.cursor),
        window=int(feed.window.total_seconds()),
    )


@get(
    "/revocations",
    cache_control=CacheControlHeader(no_store=True),
    summary="The sessions revoked since a cursor, for the verifiers of downstream services",
    description="Without `after`, every session revoked within the revocation window (the longest an access "
    "token lives, plus leeway); with the `cursor` of the last answer, those revoked since, plus a few seconds "
    "more (a revocation committed late is not missed: drop the ones already known). Logging out everywhere "
    "and disabling a user list each of the user's sessions. Poll about once a second.",
    security=TRUSTED_CLIENT,
    responses={**problems(e400="`after` is not a cursor tessera gave"), 401: CLIENT_PROBLEMS[401]},
)
@inject
async def revocations(
    use_case: FromDishka[ListRevocations],
    feed: FromDishka[RevocationFeed],
    after: Annotated[
        str | None, Parameter(pattern=CURSOR_PATTERN, description="The `cursor` of the previous answer")
    ] = None,
) -> RevocationFeedResponse:
    return feed_response(await use_case.execute(decode_cursor(after)), feed)
