from application.results import Principal
from application.use_cases.log_out import LogOut
from domain.events import EventKind, SecurityEvent
from domain.sessions import RevocationReason


class LogOutEverywhere(LogOut):
    """Revokes every live session of the caller's user, this one included: a logout at every device. One
    UPDATE ends them all, so no transaction is needed around it (`without_transaction`)."""

    async def execute(self, principal: Principal, client_address: str | None = None) -> None:
        async with self._uow.without_transaction() as uow:
            revoked = await self._revoker.end_all_of_user(uow, principal.user_id, RevocationReason.LOGOUT_EVERYWHERE)
            detail, kind = f"sessions={len(revoked)}", EventKind.LOGGED_OUT_EVERYWHERE
            uow.record(SecurityEvent(kind, principal.user_id, principal.session_id, client_address, detail=detail))
            await uow.commit()
