"""The legacy session store as the legacy application sees it (Litestar's own store classes), beside
tessera's adapter over the same data: what one writes, the other must read, and vice versa."""

import secrets
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

from litestar.middleware.session.server_side import ServerSideSessionBackend
from litestar.stores.base import StorageObject, Store
from litestar.stores.file import FileStore
from litestar.stores.redis import RedisStore
from redis.asyncio import Redis

from adapters.legacy.file_legacy_sessions import FileLegacySessions
from adapters.legacy.litestar_sessions import SESSION_ID_BYTES, USER_KEY
from adapters.legacy.redis_legacy_sessions import RedisLegacySessions
from adapters.memory.in_memory_legacy_sessions import InMemoryLegacySessions
from adapters.system_clock import SystemClock
from application.ports.legacy_sessions import LegacySessions


def new_session_id() -> str:
    """As Litestar's `ServerSideSessionBackend.generate_session_id` draws them (32 bytes, hex)."""
    return secrets.token_hex(32)


class LegacyStore(Protocol):
    adapter: LegacySessions

    async def put(self, session_id: str, data: dict[str, Any], expires_in: int = 3600) -> None: ...
    async def get(self, session_id: str) -> bytes | None: ...
    async def expire(self, session_id: str) -> None: ...
    async def close(self) -> None: ...


class LitestarStore:
    """Sessions written and read by Litestar's store, exactly as ServerSideSessionBackend does."""

    def __init__(self, store: Store, adapter: LegacySessions) -> None:
        self.store, self.adapter = store, adapter

    async def put(self, session_id: str, data: dict[str, Any], expires_in: int = 3600) -> None:
        await self.store.set(session_id, ServerSideSessionBackend.serialize_data(data), expires_in=expires_in)

    async def get(self, session_id: str) -> bytes | None:
        return await self.store.get(session_id)

    async def expire(self, session_id: str) -> None:
        if isinstance(self.store, RedisStore):
            await self.store._redis.pexpire(self.store._make_key(session_id), 1)
            return
        assert isinstance(self.store, FileStore)
        value = await self.store.get(session_id)
        assert value is not None
        past = StorageObject(expires_at=datetime.now(UTC) - timedelta(seconds=1), data=value)
        await self.store._path_from_key(session_id).write_bytes(past.to_bytes())

    async def close(self) -> None:
        await self.store.__aexit__(None, None, None)


class MemoryStore:
    def __init__(self) -> None:
        self.adapter = self._fake = InMemoryLegacySessions(SystemClock())

    async def put(self, session_id: str, data: dict[str, Any], expires_in: int = 3600) -> None:
        self._fake.put(session_id, data, datetime.now(UTC) + timedelta(seconds=expires_in))

    async def get(self, session_id: str) -> bytes | None:
        found = self._fake.stored.get(session_id)
        return None if found is None else found[0]

    async def expire(self, session_id: str) -> None:
        value, _ = self._fake.stored[session_id]
        self._fake.stored[session_id] = (value, datetime.now(UTC) - timedelta(seconds=1))

    async def close(self) -> None:
        pass


def redis_store(url: str, namespace: str | None) -> LitestarStore:
    """Litestar's RedisStore with this namespace, and tessera's adapter on a client of its own."""
    store = RedisStore.with_client(url, namespace=namespace)
    return LitestarStore(
        store, RedisLegacySessions(Redis.from_url(url), namespace, SESSION_ID_BYTES, USER_KEY, SystemClock())
    )


def file_store(directory: Path) -> LitestarStore:
    adapter = FileLegacySessions(directory, SESSION_ID_BYTES, USER_KEY, SystemClock())
    return LitestarStore(FileStore(directory, create_directories=True), adapter)
