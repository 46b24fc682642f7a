"""What every process serving tessera must hear of at once: sessions revoked and users changed."""

from dataclasses import dataclass
from typing import ClassVar
from uuid import UUID

from domain.sessions import Revocation


@dataclass(frozen=True, slots=True)
class Changes:
    """A batch of changes committed to storage. A process that hears of it stops accepting the
    revoked sessions' access tokens and forgets what it remembered of the changed users."""

    revocations: tuple[Revocation, ...] = ()
    users: tuple[UUID, ...] = ()

    outlives_rollback: ClassVar[bool] = False
    """Recorded by a unit of work, they are what it stores: heard of only once it commits."""

    def __bool__(self) -> bool:
        return bool(self.revocations or self.users)


@dataclass(frozen=True, slots=True)
class RevocationFound:
    """A session found revoked in storage, by another process that ended it first. The unit of work that
    found it stores nothing of it, so this process refuses the session from then on whatever becomes of
    that unit of work (its siblings hear of it too: the revocation is as settled as a committed one)."""

    revocation: Revocation

    outlives_rollback: ClassVar[bool] = True
