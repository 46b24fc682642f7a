from application.ports.unit_of_work import UnitOfWork
from application.results import Principal
from application.session_revoker import SessionRevoker
from domain.events import EventKind, SecurityEvent
from domain.sessions import RevocationReason


class LogOut:
    """Revokes the caller's session: stored first, then refused by this process and its siblings at once.

    One conditional UPDATE does it (and, when another process ended the session first, a read of it), so
    no transaction is needed around it (`without_transaction`)."""

    def __init__(self, uow: UnitOfWork, revoker: SessionRevoker) -> None:
        self._uow = uow
        self._revoker = revoker

    async def execute(self, principal: Principal, client_address: str | None = None) -> None:
        async with self._uow.without_transaction() as uow:
            await self._revoker.end_or_remember(uow, principal.session_id, RevocationReason.LOGOUT)
            uow.record(SecurityEvent(EventKind.LOGGED_OUT, principal.user_id, principal.session_id, client_address))
            await uow.commit()
