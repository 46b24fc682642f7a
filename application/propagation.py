"""How a committed change reaches every process that serves requests."""

from collections.abc import Mapping, Sequence
from datetime import datetime
from uuid import UUID

from application.ports.profile_cache import ProfileCache
from application.ports.revocation_view import RevocationView
from application.ports.sibling_workers import SiblingWorkers
from domain.changes import Changes
from domain.sessions import Revocation


class Propagation:
    """The one place where a process learns of changes, wherever they come from: its own commits
    (`announce`, by the event dispatcher once a unit of work commits), its sibling workers, PostgreSQL
    notifications from other replicas, and the poll that makes good whatever a notification lost."""

    def __init__(self, revocations: RevocationView, profiles: ProfileCache, siblings: SiblingWorkers) -> None:
        self._revocations = revocations
        self._profiles = profiles
        self._siblings = siblings
        self._polled_users: dict[UUID, datetime] = {}

    def apply(self, changes: Changes) -> None:
        """What this process remembers: revoked sessions refused, changed users' profiles forgotten."""
        if changes.revocations:
            self._revocations.add(changes.revocations)
        if changes.users:
            self._profiles.evict(changes.users)

    def catch_up(self, revocations: Sequence[Revocation], users: Mapping[UUID, datetime]) -> None:
        """What a poll read: the revocations, and the users changed with their stamps. The poll reads back
        over a lookback (30 s by default), so it finds each change again about 30 times: a user is forgotten
        only for a stamp the last poll did not already find, or their profile is read from the database again
        on every poll. What the last poll found is all there is to remember: an older stamp cannot come again."""
        fresh = tuple(user for user, stamp in users.items() if self._polled_users.get(user) != stamp)
        self._polled_users = dict(users)
        self.apply(Changes(tuple(revocations), fresh))

    def announce(self, changes: Changes) -> None:
        """Applied here, then told to this replica's sibling workers."""
        if changes:
            self.apply(changes)
            self._siblings.tell(changes)
