"""How a committed change reaches every process that serves requests."""

from application.ports.profile_cache import ProfileCache
from application.ports.revocation_view import RevocationView
from application.ports.sibling_workers import SiblingWorkers
from application.ports.unit_of_work import UnitOfWork
from domain.changes import Changes


class Propagation:
    """The one place where a process learns of changes, wherever they come from: its own commits
    (`after_commit`), its sibling workers, PostgreSQL notifications from other replicas, and the
    poll that makes good whatever a notification lost."""

    def __init__(self, revocations: RevocationView, profiles: ProfileCache, siblings: SiblingWorkers) -> None:
        self._revocations = revocations
        self._profiles = profiles
        self._siblings = siblings

    def apply(self, changes: Changes) -> None:
        """What this process remembers: revoked sessions refused, changed users' profiles forgotten."""
        if changes.revocations:
            self._revocations.add(changes.revocations)
        if changes.users:
            self._profiles.evict(changes.users)

    def announce(self, changes: Changes) -> None:
        """Applied here, then told to this replica's sibling workers."""
        if changes:
            self.apply(changes)
            self._siblings.tell(changes)

    def after_commit(self, uow: UnitOfWork, changes: Changes) -> None:
        """Announced once the unit of work commits; never, if it rolls back."""
        uow.after_commit(lambda: self.announce(changes))
