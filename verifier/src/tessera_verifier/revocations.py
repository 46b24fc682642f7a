"""The sessions tessera has revoked, as read from its revocation feed (`GET /oauth/revocations`), and how
fresh that reading is."""

import json
import time
import uuid
from collections.abc import Callable
from typing import Any


class RevocationList:
    """Revoked session ids, each kept until no token of its session can still verify: `window` seconds
    (the feed says how long) after its revocation, plus this verifier's leeway.

    The feed repeats a few recent entries on every read (so that none committed late is missed): an
    entry already known is simply known again. It answers a page at a time: `apply` says whether more
    follow, and the cursor it keeps is the one that asks for them. Reads are a dict look-up, safe from
    any thread.

    A good read (to its last page) makes the list complete up to the moment its first page was *asked*
    (`sent_at`, on the `monotonic` clock): a revocation committed before then is in the answer. The list is
    `synced` while that moment is at most `stale_after` seconds old; past it, a session revoked since may be
    missing."""

    def __init__(
        self,
        leeway: float,
        clock: Callable[[], float] = time.time,
        *,
        stale_after: float,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._leeway = leeway
        self._clock = clock
        self.stale_after = stale_after
        self.monotonic = monotonic
        self._forget_at: dict[str, float] = {}
        self._read_at: float | None = None
        self.cursor: str | None = None
        self._paging_since: float | None = None
        """When the first page of a read still in progress was asked (pages may span ticks after a failure)."""

    def is_revoked(self, sid: str) -> bool:
        return sid in self._forget_at

    def __len__(self) -> int:
        return len(self._forget_at)

    def age(self) -> float | None:
        """Seconds since the last good read was asked; None before the first."""
        read_at = self._read_at
        return None if read_at is None else self.monotonic() - read_at

    @property
    def synced(self) -> bool:
        """True while the last good read is at most `stale_after` seconds old: every revocation older than
        that is known. False before the first read, and again once the feed stops answering for that long."""
        age = self.age()
        return age is not None and age <= self.stale_after

    def apply(self, body: bytes, sent_at: float | None = None) -> bool:
        """One answer (one page) of the feed, asked at `sent_at` (monotonic; now if not given); ValueError
        (changing nothing, freshness included) if it is not one. True if more pages follow: ask again at
        once, with `cursor`. A read is good once its last page is applied, and fresh from when its *first*
        page was asked: only then was everything before that moment handed over."""
        asked = self.monotonic() if sent_at is None else sent_at
        document = json.loads(body)
        entries, cursor, window, more = _parsed(document)
        forget_at = dict(self._forget_at)
        for sid, revoked_at in entries:
            forget_at[sid] = max(forget_at.get(sid, 0.0), revoked_at + window + self._leeway)
        now = self._clock()
        self._forget_at = {sid: moment for sid, moment in forget_at.items() if moment > now}
        self.cursor = cursor
        started = asked if self._paging_since is None else self._paging_since
        if more:
            self._paging_since = started
            return True
        self._paging_since = None
        if self._read_at is None or started > self._read_at:
            self._read_at = started
        return False


def _parsed(document: Any) -> tuple[list[tuple[str, float]], str, float, bool]:
    if not isinstance(document, dict):
        raise ValueError("not a revocation feed")
    revocations, cursor, window = document.get("revocations"), document.get("cursor"), document.get("window")
    more = document.get("more", False)  # absent: a tessera from before the feed had pages, one page
    if not isinstance(revocations, list) or not isinstance(cursor, str) or not isinstance(window, int | float):
        raise ValueError("not a revocation feed")
    if not isinstance(more, bool):
        raise ValueError("not a revocation feed")
    entries = []
    for entry in revocations:
        if not isinstance(entry, dict) or not isinstance(entry.get("revoked_at"), int | float):
            raise ValueError("not a revocation entry")
        entries.append((str(uuid.UUID(str(entry.get("sid")))), float(entry["revoked_at"])))
    return entries, cursor, float(window), more
