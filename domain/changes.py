"""What every process serving tessera must hear of at once: sessions revoked and users changed."""

from dataclasses import dataclass
from uuid import UUID

from domain.sessions import Revocation


@dataclass(frozen=True, slots=True)
class Changes:
    """A batch of changes committed to storage. A process that hears of it stops accepting the
    revoked sessions' access tokens and forgets what it remembered of the changed users."""

    revocations: tuple[Revocation, ...] = ()
    users: tuple[UUID, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.revocations or self.users)
