from dataclasses import replace

from application.ports.profile_cache import ProfileCache
from application.ports.profile_reader import ProfileReader
from application.results import Principal, Profile
from domain.errors import TokenOwnerGone
from domain.policy import TokenPolicy


class GetProfile:
    """The caller's profile: from this process's cache when it holds it, else from storage (then kept).

    Application-wide, so that a cached answer costs no unit of work at all, and a miss only one read
    (`ProfileReader`): a profile decides nothing, so it needs no transaction. A cached profile is
    forgotten on every process as soon as its user changes (`UserChanges`, `Propagation`), and one read
    before such a change is not kept (`ProfileCache.put`). Its claims are those an access token would
    carry: stored claims outside the allowed names are left out."""

    def __init__(self, reader: ProfileReader, cache: ProfileCache, policy: TokenPolicy) -> None:
        self._reader = reader
        self._cache = cache
        self._allowed = policy.custom_claim_names

    async def execute(self, principal: Principal) -> Profile:
        cached = self._cache.get(principal.user_id)
        if cached is not None:
            return cached
        generation = self._cache.generation
        stored = await self._reader.read(principal.user_id)
        if stored is None:
            raise TokenOwnerGone
        profile = replace(stored, claims=self._allowed.issued(stored.claims))
        self._cache.put(profile, generation)
        return profile
