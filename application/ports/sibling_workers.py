from abc import abstractmethod
from typing import Protocol

from domain.changes import Changes


class SiblingWorkers(Protocol):
    """The other worker processes of this replica (`tessera serve --workers N`), told of each change
    this process commits, so that a logout answered by one worker is refused by all at once."""

    @abstractmethod
    def tell(self, changes: Changes) -> None:
        """Best effort and never blocking: a lost message is made good by the revocation poll."""
