from abc import abstractmethod
from collections.abc import Callable
from typing import Protocol

from domain.changes import Changes


class ChangeListener(Protocol):
    """A source of changes committed by other processes (sibling workers, other replicas), heard as
    they happen. Listening is best effort: the revocation poll makes good whatever it misses."""

    @abstractmethod
    async def start(self, on_changes: Callable[[Changes], None]) -> None: ...

    @abstractmethod
    async def stop(self) -> None: ...
