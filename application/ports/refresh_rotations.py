from abc import abstractmethod
from dataclasses import dataclass
from typing import Protocol

from domain.rotation import PlannedRotation
from domain.sessions import Session
from domain.users import User


@dataclass(frozen=True, slots=True)
class Rotated:
    """What a planned rotation found and left: the session as touched, and its user as stored now."""

    session: Session
    user: User


class RefreshRotations(Protocol):
    """The common refresh, carried out in one committed step of its own, outside any unit of work.

    The rule is `domain.rotation.rotates_at_once`; what the step stores is `PlannedRotation`'s. Each
    implementation is that rule written for its store, held to it by tests/refresh/test_refresh_rotations.py.
    """

    @abstractmethod
    async def rotate(self, rotation: PlannedRotation) -> Rotated | None:
        """Commits the rotation if the presented token `rotates_at_once`; None if it does not, or if a
        concurrent rotation of the same token won: then nothing is stored, and the caller judges the token
        in full. Of concurrent rotations of one token, exactly one returns a `Rotated`."""
