"""What the services that consume tessera's tokens read to refuse a revoked session's access tokens."""

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True, slots=True)
class RevocationFeed:
    """The revocations a downstream verifier is told about, read from a cursor it got from the last read.

    Every revocation is a session's (logging out everywhere and disabling a user revoke each of the
    user's sessions in the same transaction), so one kind of entry is enough.

    A revocation is stamped when its transaction starts writing but seen only once it commits, and
    replicas' clocks differ a little: a read from exactly the last cursor would miss one committed
    late. So a read goes `margin` further back than its cursor, and the reader drops the entries it
    already knows. Never further back than `window`: an older revocation only concerns tokens that
    have expired."""

    window: timedelta
    margin: timedelta

    def since(self, now: datetime, after: datetime | None) -> datetime:
        """From where to read for a reader whose cursor is `after` (None: it knows nothing yet).
        A cursor from the future (a forged or corrupted one) counts as now."""
        floor = now - self.window
        if after is None:
            return floor
        return max(floor, min(after, now) - self.margin)
