"""The pure rules of rotation: issue a refresh token, judge a presented one, spend it.

Nothing here does I/O or draws randomness: ids, token hashes and the current time come in as
arguments, so every rule is exact under test.
"""

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import Enum
from uuid import UUID

from domain.policy import TokenPolicy
from domain.sessions import RefreshToken, Session
from domain.users import User


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
        id=token_id,
        session_id=session.id,
        token_hash=token_hash,
        issued_at=now,
        expires_at=min(_expiry(now, policy), session.expires_at),
    )


def _expiry(now: datetime, policy: TokenPolicy) -> datetime:
    return now + policy.refresh_ttl


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
    within it, the immediate predecessor of a successor that nobody has used yet repeats its rotation,
    unless the session has reached its absolute end meanwhile (then it has expired, like any token of it).
    A session past its absolute lifetime refreshes nothing, however recently rotated: it has expired.
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
        if not repeatable:
            return RefreshVerdict.REUSED
        return RefreshVerdict.EXPIRED if session.has_ended(now) else RefreshVerdict.REPEAT_ROTATION
    if session.is_revoked:
        return RefreshVerdict.REVOKED
    if token.has_expired(now) or session.has_ended(now):
        return RefreshVerdict.EXPIRED
    return RefreshVerdict.ROTATE


def spend(
    token: RefreshToken, now: datetime, successor_id: UUID | None = None, sealed_successor: str | None = None
) -> RefreshToken:
    """The token as stored once rotated: spent at `now`, naming its successor. A repository writes it
    only if the token was unspent (one compare-and-set), so a token is redeemed at most once."""
    return replace(token, rotated_at=now, successor_id=successor_id, sealed_successor=sealed_successor)


@dataclass(frozen=True, slots=True)
class PlannedRotation:
    """A refresh decided up front for the common case, a live token: the presented token (by its hash),
    the moment, and its successor's record but for the session, which the store supplies.

    Carried out (`RefreshRotations`) only if the presented token `rotates_at_once`, and then all of it
    or nothing: the token spent at `now`, naming its successor and the sealed successor secret (as
    `spend` does), the successor stored (`successor_in`), and the session touched at `now`."""

    presented_hash: str
    now: datetime
    successor_id: UUID
    successor_hash: str
    successor_expires_at: datetime
    sealed_successor: str

    def successor_in(self, session: Session) -> RefreshToken:
        """The successor, its expiry capped at the session's absolute end (the SQL versions cap it alike)."""
        return RefreshToken(
            id=self.successor_id,
            session_id=session.id,
            token_hash=self.successor_hash,
            issued_at=self.now,
            expires_at=min(self.successor_expires_at, session.expires_at),
        )


def plan_rotation(
    presented_hash: str,
    sealed_successor: str,
    *,
    successor_id: UUID,
    successor_hash: str,
    now: datetime,
    policy: TokenPolicy,
) -> PlannedRotation:
    return PlannedRotation(presented_hash, now, successor_id, successor_hash, _expiry(now, policy), sealed_successor)


def rotates_at_once(token: RefreshToken, session: Session, user: User | None, now: datetime) -> bool:
    """The common refresh, settled in one step: a live token of a live session (not revoked, within its
    absolute lifetime) of an enabled user.
    Anything else (a repeat within the grace window, reuse, expiry, revocation) takes the full judgement."""
    live_user = user is not None and user.id == session.user_id and not user.is_disabled
    return live_user and token.session_id == session.id and judge_refresh(token, session, now) is RefreshVerdict.ROTATE
