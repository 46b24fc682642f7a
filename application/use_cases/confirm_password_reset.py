from application.ports.clock import Clock
from application.ports.password_hasher import PasswordHasher
from application.ports.unit_of_work import UnitOfWork
from application.session_revoker import SessionRevoker
from application.user_changes import UserChanges
from domain.errors import InvalidPasswordResetToken
from domain.events import EventKind, SecurityEvent
from domain.password_resets import hash_reset_token
from domain.sessions import RevocationReason
from domain.users import check_password


class ConfirmPasswordReset:
    """Sets a new password with a mailed token: the token is spent (one compare-and-set: at most once
    under any concurrency), the user's other tokens voided, and every session of the user ends. It is a
    user change (`UserChanges`), as a password change is: every replica hears of it.

    An unknown, expired or used token, or one of a user disabled since, is one and the same
    `InvalidPasswordResetToken`. The token is looked up before the new password is hashed, so that
    a guess costs the server no argon2 hash."""

    def __init__(
        self,
        uow: UnitOfWork,
        hasher: PasswordHasher,
        revoker: SessionRevoker,
        changes: UserChanges,
        clock: Clock,
    ) -> None:
        self._uow = uow
        self._hasher = hasher
        self._revoker = revoker
        self._changes = changes
        self._clock = clock

    async def execute(self, token: str, new_password: str, client_address: str | None = None) -> None:
        check_password(new_password)
        now = self._clock.now()
        token_hash = hash_reset_token(token)
        async with self._uow as uow:
            found = await uow.password_resets.find(token_hash)
        if found is None or not found.is_redeemable(now):
            raise InvalidPasswordResetToken
        new_hash = await self._hasher.hash(new_password)
        async with self._uow as uow:
            # Locked: a login under way either commits first, and its session is ended below, or waits
            # and then finds the hash it verified replaced (see `LogIn`).
            user = await uow.users.get_for_update(found.user_id)
            if user is None or user.is_disabled or not await uow.password_resets.redeem(token_hash, now):
                raise InvalidPasswordResetToken
            await uow.users.replace_password(user.id, new_hash, now)
            await self._changes.record(uow, user.id)
            await uow.password_resets.void_all_of_user(user.id, now)
            ended = await self._revoker.end_all_of_user(uow, user.id, RevocationReason.PASSWORD_RESET)
            detail = f"sessions={len(ended)}"
            uow.record(SecurityEvent(EventKind.PASSWORD_RESET, user.id, client_address=client_address, detail=detail))
            await uow.commit()
