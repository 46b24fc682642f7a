"""Sessions of Django's `signed_cookies` backend: the `sessionid` cookie IS the session,
`signing.dumps(session, salt="django.contrib.sessions.backends.signed_cookies", compress=True)`.

Django honours it for `SESSION_COOKIE_AGE` after it was signed (`signing.loads(max_age=…)`; the
backend ignores `set_expiry`). Nothing can be deleted on the legacy side, so an exchanged cookie is
recorded as spent (by its SHA-256) until that expiry, and a replay is refused as `replayed`. The
legacy app itself keeps honouring the cookie until then: log users out there at cut-over.
"""

import hashlib
from datetime import timedelta

from adapters.legacy import django_sessions
from adapters.legacy.django_signing import SIGNED_COOKIES_SALT, DjangoSecret
from application.ports.clock import Clock
from application.ports.legacy_sessions import LegacySessions
from application.ports.spent_legacy_cookies import SpentLegacyCookies
from domain.errors import InvalidLegacySession, LegacyRefusal
from domain.legacy_sessions import LegacySession, UserKeyPath, check_expiry, signed_session_expiry


class DjangoSignedCookieLegacySessions(LegacySessions):
    def __init__(
        self,
        spent: SpentLegacyCookies,
        cookie_age: timedelta,
        secret: DjangoSecret,
        user_key: UserKeyPath,
        clock: Clock,
    ) -> None:
        self._spent = spent
        self._cookie_age = cookie_age
        self._secret = secret
        self._user_key = user_key
        self._clock = clock

    async def take(self, cookie: str) -> LegacySession:
        data, signed_at = django_sessions.verified(cookie, SIGNED_COOKIES_SALT, self._secret)
        expires_at = signed_session_expiry(signed_at, self._cookie_age)
        now = self._clock.now()
        check_expiry(expires_at, now)
        digest = hashlib.sha256(cookie.encode()).hexdigest()
        if not await self._spent.spend(digest, expires_at, now):
            raise InvalidLegacySession(LegacyRefusal.REPLAYED)
        return django_sessions.django_session(digest, data, cookie.encode(), expires_at, self._user_key)

    async def restore(self, session: LegacySession) -> None:
        await self._spent.forget(session.session_id)

    def password_unchanged(self, session: LegacySession, password_hash: str) -> bool:
        return django_sessions.password_unchanged(session, password_hash, self._secret)
