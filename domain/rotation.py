"""The pure rules of rotation: issue a refresh token, judge a presented one, spend it.

Nothing here does I/O or draws randomness: ids, token hashes and the current time come in as
arguments, so every rule is exact under test.
"""

from dataclasses import replace
from datetime import datetime, timedelta
from enum import Enum
from uuid import UUID

from domain.policy import TokenPolicy
from domain.sessions import RefreshToken, Session


class RefreshVerdict(Enum):
    ROTATE = "rotate"
    """The token is live: spend it and issue its successor."""
    REPEAT_ROTATION = "repeat_rotation"
    """The token was just rotated and its successor is unused: a retry whose answer was lost, or a
    concurrent duplicate. It receives the same successor, so the chain never forks."""
    REUSED = "reused"
    """The token was spent before, outside the grace window: theft is assumed and the whole session is revoked."""
    EXPIRED = "expired"
    REVOKED = "revoked"


def issue_refresh_token(
    session: Session, *, token_id: UUID, token_hash: str, now: datetime, policy: TokenPolicy
) -> RefreshToken:
    return RefreshToken(
        id=token_id, session_id=session.id, token_hash=token_hash, issued_at=now, expires_at=now + policy.refresh_ttl
    )


def judge_refresh(
    token: RefreshToken,
    session: Session,
    now: datetime,
    *,
    successor: RefreshToken | None = None,
    grace: timedelta = timedelta(0),
) -> RefreshVerdict:
    """Reuse outranks everything else: a spent token is theft even if it has expired since.

    The one exception is the grace window, absolute from the first rotation and never sliding:
    within it, the immediate predecessor of a successor that nobody has used yet repeats its rotation.
    """
    if token.is_spent:
        assert token.rotated_at is not None
        repeatable = (
            successor is not None
            and successor.id == token.successor_id
            and not successor.is_spent
            and not session.is_revoked
            and now < token.rotated_at + grace
        )
        return RefreshVerdict.REPEAT_ROTATION if repeatable else RefreshVerdict.REUSED
    if session.is_revoked:
        return RefreshVerdict.REVOKED
    if token.has_expired(now):
        return RefreshVerdict.EXPIRED
    return RefreshVerdict.ROTATE


def spend(
    token: RefreshToken, now: datetime, successor_id: UUID | None = None, sealed_successor: str | None = None
) -> RefreshToken:
    """The token as stored once rotated: spent at `now`, naming its successor. A repository writes it
    only if the token was unspent (one compare-and-set), so a token is redeemed at most once."""
    return replace(token, rotated_at=now, successor_id=successor_id, sealed_successor=sealed_successor)
