from abc import abstractmethod
from datetime import datetime
from typing import Protocol


class SpentLegacyCookies(Protocol):
    """tessera's record of the stateless legacy sessions (a signed cookie that IS the session) it has
    exchanged: nothing on the legacy side can be deleted, so a replay is refused by this record
    instead. Keyed by a digest of the cookie, never the cookie itself."""

    @abstractmethod
    async def spend(self, digest: str, until: datetime, now: datetime) -> bool:
        """Record the cookie as spent until `until` (its own expiry): True if it was not spent, False
        if it already was and still is. Atomic: of concurrent calls for one digest exactly one is
        True. A record whose `until` has passed counts as absent (and is replaced)."""

    @abstractmethod
    async def forget(self, digest: str) -> None:
        """Drop the record, so that the cookie can be exchanged again (`LegacySessions.restore`)."""
