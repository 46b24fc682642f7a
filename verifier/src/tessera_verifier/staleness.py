"""What the verifier does with an otherwise valid token while its revocation feed is stale (tessera
unreachable, or refusing a rotated client secret): refuse it, by default, or accept it loudly if the operator
chose so. Counted either way, so that an app's health check or metrics can see it (`FeedStatus`)."""

import logging
import threading
from dataclasses import dataclass
from typing import Literal

from tessera_verifier.claims import Claims
from tessera_verifier.errors import RevocationsUnknown

log = logging.getLogger("tessera_verifier")

WhenStale = Literal["refuse", "accept"]


@dataclass(frozen=True, slots=True)
class FeedStatus:
    """The revocation feed as the verifier sees it, for a health check or a metric."""

    synced: bool
    """False before the first good read and while the last one is older than `stale_after`."""
    age: float | None
    """Seconds since the last good read was asked; None before the first."""
    stale_after: float
    """The staleness bound in seconds: `stale_after_polls` × `poll_interval`."""
    accepted_while_stale: int
    """Tokens accepted without a fresh feed (only with `when_stale="accept"`)."""
    refused_while_stale: int
    """Tokens refused only because the feed was stale (503)."""


class StaleFeedPolicy:
    """A stale spell starts at the first token judged without a fresh feed and ends at the first judged with
    one: each start and end is logged once (an error, then a warning with the count), not once per request."""

    def __init__(self, when_stale: WhenStale, retry_after: int) -> None:
        if when_stale not in ("refuse", "accept"):
            raise ValueError('when_stale is "refuse" or "accept"')
        self.when_stale = when_stale
        self._retry_after = retry_after
        self._lock = threading.Lock()
        self._in_spell = False
        self.accepted = 0
        self.refused = 0

    def judge(self, claims: Claims, age: float | None) -> Claims:
        """The claims back (when accepting), else RevocationsUnknown. Never accepted before the feed's first
        good read (`age` None): a wrong client secret from the start would pass every revoked token."""
        accepting = self.when_stale == "accept" and age is not None
        with self._lock:
            if accepting:
                self.accepted += 1
            else:
                self.refused += 1
            starts, self._in_spell = not self._in_spell, True
        if starts:
            since = "never read" if age is None else f"last read {age:.1f} s ago"
            if accepting:
                log.error(
                    "ACCEPTING tokens without knowing revocations (when_stale='accept'): tessera's revocation feed "
                    "is stale (%s); a revoked session's tokens verify until the feed answers again",
                    since,
                )
            else:
                log.error("refusing every token with 503: tessera's revocation feed is stale (%s)", since)
        if accepting:
            return claims
        raise RevocationsUnknown(self._retry_after)

    def fresh(self) -> None:
        """The feed is fresh again: ends a stale spell (logged with its count)."""
        if not self._in_spell:
            return
        with self._lock:
            ended, self._in_spell = self._in_spell, False
            accepted, refused = self.accepted, self.refused
        if ended:
            log.warning(
                "tessera's revocation feed is fresh again (accepted while stale so far: %d, refused: %d)",
                accepted,
                refused,
            )
