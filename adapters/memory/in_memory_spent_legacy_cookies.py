from datetime import datetime

from application.ports.spent_legacy_cookies import SpentLegacyCookies


class InMemorySpentLegacyCookies(SpentLegacyCookies):
    """Digest -> until, in a dict. One event loop and no await inside `spend`, so it is atomic."""

    def __init__(self) -> None:
        self.spent: dict[str, datetime] = {}

    async def spend(self, digest: str, until: datetime, now: datetime) -> bool:
        current = self.spent.get(digest)
        if current is not None and current > now:
            return False
        self.spent[digest] = until
        return True

    async def forget(self, digest: str) -> None:
        self.spent.pop(digest, None)
