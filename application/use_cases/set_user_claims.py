from dataclasses import replace
from uuid import UUID

from application.actors import Actor, authorise
from application.ports.unit_of_work import UnitOfWork
from application.results import UserSummary
from application.user_changes import UserChanges
from application.user_lookup import find_user
from domain.custom_claims import CustomClaims
from domain.events import EventKind, SecurityEvent
from domain.policy import TokenPolicy
from domain.users import Email


class SetUserClaims:
    """Replaces a user's custom claims (`{}` removes them all), in the unit of work that re-checks the actor.

    Access tokens issued from then on carry them: the next login or refresh reads them from storage,
    as it reads the roles. Recorded as a user change, like a role change, so every process forgets
    the user's cached profile. The audit names who set them, never the claims. With an allow-list of
    claim names, a name outside it is refused (`ClaimNameNotAllowed`) before anything is read."""

    def __init__(self, uow: UnitOfWork, changes: UserChanges, policy: TokenPolicy) -> None:
        self._uow = uow
        self._changes = changes
        self._allowed = policy.custom_claim_names

    async def execute(self, target: UUID | Email, claims: object, actor: Actor) -> UserSummary:
        parsed = CustomClaims.parse(claims)
        self._allowed.check(parsed)
        async with self._uow as uow:
            await authorise(uow, actor)
            user = await find_user(uow, target)
            await uow.users.set_claims(user.id, parsed)
            await self._changes.record(uow, user.id)
            uow.record(SecurityEvent(EventKind.CLAIMS_CHANGED, user.id, None, actor.client_address, actor.audit_name))
            await uow.commit()
        return UserSummary.of(replace(user, claims=parsed))
