from dataclasses import dataclass
from datetime import datetime

from application.login_throttle import LoginThrottle, ThrottleKeys
from application.ports.clock import Clock
from application.ports.password_hasher import PasswordHasher
from application.ports.unit_of_work import UnitOfWork
from application.results import Principal
from application.session_revoker import SessionRevoker
from application.user_changes import UserChanges
from domain.errors import TokenOwnerGone, WrongCurrentPassword
from domain.events import EventKind, SecurityEvent
from domain.sessions import RevocationReason
from domain.users import User, check_password

_ATTEMPTS = 2
"""As in `LogIn`: a hash changed under the first check is checked once more, as it now stands."""


@dataclass(frozen=True, slots=True)
class PasswordChange:
    current_password: str
    new_password: str
    client_address: str | None = None


class ChangePassword:
    """The signed-in user replaces their password, proving the current one: every other session of
    theirs ends (a thief's included), the one that changed it stays, and every unused reset token of
    theirs is void (a link mailed before would otherwise undo the change). It is a user change
    (`UserChanges`), as a reset is: every replica hears of it.

    The current password is checked as a login checks it, under the same throttle (`LoginThrottle`):
    a stolen access token is no way round the limit on guessing. The new password obeys the rules of
    registration, checked first (before anything is counted or hashed)."""

    def __init__(
        self,
        uow: UnitOfWork,
        hasher: PasswordHasher,
        throttle: LoginThrottle,
        revoker: SessionRevoker,
        changes: UserChanges,
        clock: Clock,
    ) -> None:
        self._uow = uow
        self._hasher = hasher
        self._throttle = throttle
        self._revoker = revoker
        self._changes = changes
        self._clock = clock

    async def execute(self, principal: Principal, change: PasswordChange) -> None:
        check_password(change.new_password)
        now = self._clock.now()
        for _ in range(_ATTEMPTS):
            async with self._uow as uow:
                user = await uow.users.get(principal.user_id)
            if user is None:
                raise TokenOwnerGone
            keys = self._throttle.keys(user.email.value, change.client_address)
            await self._throttle.refuse_if_throttled(keys, user.id, now)
            if not await self._hasher.verify(user.password_hash, change.current_password):
                kind, session_id = EventKind.PASSWORD_CHANGE_FAILED, principal.session_id
                failed = SecurityEvent(kind, user.id, session_id, change.client_address)
                await self._throttle.record_failure(keys, now, failed)
                raise WrongCurrentPassword
            new_hash = await self._hasher.hash(change.new_password)
            if await self._replace(user, principal, new_hash, keys, change.client_address, now):
                return
        raise WrongCurrentPassword  # the hash changed under every attempt

    async def _replace(
        self,
        verified: User,
        principal: Principal,
        new_hash: str,
        keys: ThrottleKeys,
        client_address: str | None,
        now: datetime,
    ) -> bool:
        """Whether the password was replaced: not if the stored hash is no longer the one the current password
        was verified against (another change, a reset or a login's rehash committed in between): the
        current password is then checked again. The user is read locked, as a login reads it. A user
        change (`UserChanges`), as a disabling or a role is: every replica forgets what it cached of them."""
        async with self._uow as uow:
            current = await uow.users.get_for_update(verified.id)
            if current is None:
                raise TokenOwnerGone
            if current.password_hash != verified.password_hash:
                return False
            await self._throttle.clear(uow, keys)
            await uow.users.replace_password(current.id, new_hash, now)
            await self._changes.record(uow, current.id)
            await uow.password_resets.void_all_of_user(current.id, now)
            ended = await self._revoker.end_all_of_user(
                uow, current.id, RevocationReason.PASSWORD_CHANGED, keep=principal.session_id
            )
            detail = f"sessions={len(ended)}"
            uow.record(
                SecurityEvent(EventKind.PASSWORD_CHANGED, current.id, principal.session_id, client_address, detail)
            )
            await uow.commit()
        return True
