"""The sessions tessera has revoked, as read from its revocation feed (`GET /oauth/revocations`)."""

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
    any thread."""

    def __init__(self, leeway: float, clock: Callable[[], float] = time.time) -> None:
        self._leeway = leeway
        self._clock = clock
        self._forget_at: dict[str, float] = {}
        self.cursor: str | None = None
        self.synced = False
        """True once one read has succeeded to its last page: from then on every revocation within the window
        is known."""

    def is_revoked(self, sid: str) -> bool:
        return sid in self._forget_at

    def __len__(self) -> int:
        return len(self._forget_at)

    def apply(self, body: bytes) -> bool:
        """One answer (one page) of the feed; ValueError (changing nothing) if it is not one. True if more
        pages follow: ask again at once, with `cursor`."""
        document = json.loads(body)
        entries, cursor, window, more = _parsed(document)
        forget_at = dict(self._forget_at)
        for sid, revoked_at in entries:
            forget_at[sid] = max(forget_at.get(sid, 0.0), revoked_at + window + self._leeway)
        now = self._clock()
        self._forget_at = {sid: moment for sid, moment in forget_at.items() if moment > now}
        self.cursor = cursor
        self.synced = self.synced or not more
        return more


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
