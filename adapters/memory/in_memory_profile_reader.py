from uuid import UUID

from adapters.memory.in_memory_store import InMemoryStore
from application.ports.profile_reader import ProfileReader
from application.results import Profile


class InMemoryProfileReader(ProfileReader):
    """Reads the store's committed tables (a unit of work swaps them in whole on commit), without its lock."""

    def __init__(self, store: InMemoryStore) -> None:
        self._store = store

    async def read(self, user_id: UUID) -> Profile | None:
        user = self._store.tables.users.get(user_id)
        if user is None:
            return None
        return Profile(user.id, str(user.email), user.display_name, user.roles, user.created_at, user.claims)
