import asyncio

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from application.ports.storage_health import StorageHealth

PING_TIMEOUT_SECONDS = 2.0


class SqlStorageHealth(StorageHealth):
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def reachable(self) -> bool:
        try:
            async with asyncio.timeout(PING_TIMEOUT_SECONDS), self._engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
            return True
        except Exception:  # any failure to answer is "not reachable", which is all a probe asks
            return False
