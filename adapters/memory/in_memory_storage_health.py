from application.ports.storage_health import StorageHealth


class InMemoryStorageHealth(StorageHealth):
    async def reachable(self) -> bool:
        return True
