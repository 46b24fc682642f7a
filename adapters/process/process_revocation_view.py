from collections.abc import Iterable
from datetime import datetime, timedelta
from uuid import UUID

from application.ports.revocation_view import RevocationView
from domain.sessions import Revocation


class ProcessRevocationView(RevocationView):
    """This process's revoked session ids, each forgotten once the window after its revocation has passed.

    Memory is bounded by the revocations of one window, not by users or sessions: expired
    entries are swept whenever new ones arrive.
    """

    def __init__(self, window: timedelta) -> None:
        self._window = window
        self._revoked_until: dict[UUID, datetime] = {}

    def add(self, revocations: Iterable[Revocation]) -> None:
        latest: datetime | None = None
        for revocation in revocations:
            until = revocation.revoked_at + self._window
            self._revoked_until[revocation.session_id] = max(
                until, self._revoked_until.get(revocation.session_id, until)
            )
            latest = revocation.revoked_at if latest is None else max(latest, revocation.revoked_at)
        if latest is not None:
            self._sweep(latest)

    def is_revoked(self, session_id: UUID, now: datetime) -> bool:
        until = self._revoked_until.get(session_id)
        return until is not None and now < until

    def size(self) -> int:
        return len(self._revoked_until)

    def _sweep(self, now: datetime) -> None:
        for session_id in [sid for sid, until in self._revoked_until.items() if until <= now]:
            del self._revoked_until[session_id]
