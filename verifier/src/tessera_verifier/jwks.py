"""When to fetch the JWKS again, and what to keep meanwhile. No I/O here: the verifier fetches, sync or async."""

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass

from tessera_verifier.keys import KeySet

MAX_AGE = re.compile(r"(?:^|,)\s*max-age\s*=\s*\"?(\d+)", re.IGNORECASE)
DEFAULT_MAX_AGE = 300.0
"""Without `Cache-Control: max-age`, the key set is fetched again after five minutes."""
LONGEST_MAX_AGE = 86400.0
SHORTEST_MAX_AGE = 1.0


@dataclass(frozen=True, slots=True)
class JwksTiming:
    unknown_kid_interval: float = 0.25
    """An unknown `kid` fetches at once, but at most once per interval: a key rotated in with `--now`
    verifies at its first token, and a stream of made-up kids costs tessera four requests a second."""
    retry_after_failure: float = 5.0
    """After a failed fetch (tessera down), the last good key set serves meanwhile; tried again after this."""


DEFAULT_TIMING = JwksTiming()


class JwksCache:
    """The last good key set with its `ETag`, and when it is due again (its max-age). A failed fetch
    keeps the last good key set: tokens of known keys still verify while tessera is down."""

    def __init__(self, timing: JwksTiming = DEFAULT_TIMING, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._timing = timing
        self._monotonic = monotonic
        self.keys: KeySet | None = None
        self.etag: str | None = None
        self._due = 0.0
        self._last_unknown_kid_fetch = -float("inf")

    def is_due(self) -> bool:
        return self.keys is None or self._monotonic() >= self._due

    def may_fetch_for_unknown_kid(self, kid: str) -> bool:
        """True (and counted) if `kid` is unknown and no fetch for an unknown kid happened within the interval."""
        if self.keys is not None and kid in self.keys:
            return False
        now = self._monotonic()
        if now - self._last_unknown_kid_fetch < self._timing.unknown_kid_interval:
            return False
        self._last_unknown_kid_fetch = now
        return True

    def request_headers(self) -> dict[str, str]:
        return {"If-None-Match": self.etag} if self.etag and self.keys is not None else {}

    def fetched(self, status: int, headers: dict[str, str], body: bytes) -> None:
        """A 200 with a usable key set replaces the keys; a 304 keeps them; either sets the next due time
        from `Cache-Control: max-age`. Anything else counts as a failure."""
        if status == 304 and self.keys is not None:
            self._due = self._monotonic() + _max_age(headers.get("cache-control"))
            return
        if status != 200:
            self.failed()
            return
        try:
            keys = KeySet(json.loads(body))
        except (ValueError, TypeError, AttributeError):
            self.failed()
            return
        self.keys, self.etag = keys, headers.get("etag")
        self._due = self._monotonic() + _max_age(headers.get("cache-control"))

    def failed(self) -> None:
        self._due = self._monotonic() + self._timing.retry_after_failure


def _max_age(cache_control: str | None) -> float:
    """`max-age` in seconds, at least one second (no key set is fetched per request) and at most a day;
    one second for `no-store` or `no-cache` without one; five minutes without a `Cache-Control`."""
    text = (cache_control or "").lower()
    found = MAX_AGE.search(text)
    if found is not None:
        return min(max(float(found.group(1)), SHORTEST_MAX_AGE), LONGEST_MAX_AGE)
    return SHORTEST_MAX_AGE if "no-store" in text or "no-cache" in text else DEFAULT_MAX_AGE
