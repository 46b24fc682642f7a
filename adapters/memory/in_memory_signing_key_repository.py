from dataclasses import replace
from datetime import datetime

from adapters.memory.in_memory_store import InMemoryTables
from application.ports.signing_key_repository import SigningKeyRepository
from domain.keys import SigningKeyRecord


class InMemorySigningKeyRepository(SigningKeyRepository):
    def __init__(self, tables: InMemoryTables) -> None:
        self._tables = tables

    async def add(self, record: SigningKeyRecord) -> None:
        self._tables.signing_keys[record.kid] = record

    async def add_first(self, record: SigningKeyRecord) -> bool:
        if self._tables.signing_keys:  # the unit of work holds the store's lock: check and add are one step
            return False
        await self.add(record)
        return True

    async def all(self) -> list[SigningKeyRecord]:
        return sorted(self._tables.signing_keys.values(), key=lambda record: record.created_at)

    async def withdraw(self, kid: str, now: datetime) -> bool:
        record = self._tables.signing_keys.get(kid)
        if record is None or record.withdrawn_at is not None:
            return False
        self._tables.signing_keys[kid] = replace(record, withdrawn_at=now)
        return True
