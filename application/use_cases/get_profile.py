from application.ports.profile_cache import ProfileCache
from application.ports.unit_of_work import UnitOfWorkFactory
from application.results import Principal, Profile
from domain.errors import TokenOwnerGone
from domain.policy import TokenPolicy


class GetProfile:
    """The caller's profile: from this process's cache when it holds it, else from storage (then kept).

    Application-wide, so that a cached answer costs no unit of work at all. A cached profile is
    forgotten on every process as soon as its user changes (`UserChanges`, `Propagation`). Its claims are
    those an access token would carry: stored claims outside the allowed names are left out."""

    def __init__(self, new_uow: UnitOfWorkFactory, cache: ProfileCache, policy: TokenPolicy) -> None:
        self._new_uow = new_uow
        self._cache = cache
        self._allowed = policy.custom_claim_names

    async def execute(self, principal: Principal) -> Profile:
        cached = self._cache.get(principal.user_id)
        if cached is not None:
            return cached
        generation = self._cache.generation
        async with self._new_uow() as uow:
            user = await uow.users.get(principal.user_id)
        if user is None:
            raise TokenOwnerGone
        claims = self._allowed.issued(user.claims)
        profile = Profile(user.id, str(user.email), user.display_name, user.roles, user.created_at, claims)
        self._cache.put(profile, generation)
        return profile
