"""Sessions of Flask's default `SecureCookieSessionInterface`: the `session` cookie IS the session
(see flask_signing.py). Nothing can be deleted on the legacy side, so an exchanged cookie is recorded
as spent (by its SHA-256) until it expires, and a replay is refused as `replayed`. Flask itself
keeps honouring the cookie until then: log users out there at cut-over. As itsdangerous, a cookie
signed later than now (a negative age) is refused as expired, give or take `CLOCK_SKEW`."""

import hashlib
from datetime import timedelta

from adapters.legacy.flask_signing import cookie_session
from application.ports.clock import Clock
from application.ports.legacy_sessions import LegacySessions
from application.ports.spent_legacy_cookies import SpentLegacyCookies
from domain.errors import InvalidLegacySession, LegacyRefusal
from domain.legacy_sessions import LegacySession, UserKeyPath, check_expiry, signed_session_expiry

CLOCK_SKEW = timedelta(seconds=60)
"""Flask compares a cookie's signing time with its own clock, tessera with another machine's: a
cookie signed a moment ago by a Flask host whose clock runs this much ahead is still honoured."""


class FlaskCookieLegacySessions(LegacySessions):
    def __init__(
        self,
        spent: SpentLegacyCookies,
        lifetime: timedelta,
        secrets: tuple[bytes, ...],
        user_key: UserKeyPath,
        clock: Clock,
    ) -> None:
        self._spent = spent
        self._lifetime = lifetime
        self._secrets = secrets
        self._user_key = user_key
        self._clock = clock

    async def take(self, cookie: str) -> LegacySession:
        data, signed_at = cookie_session(cookie, self._secrets)
        expires_at = signed_session_expiry(signed_at, self._lifetime)
        now = self._clock.now()
        if signed_at > int((now + CLOCK_SKEW).timestamp()):  # itsdangerous: "Signature age < 0"
            raise InvalidLegacySession(LegacyRefusal.EXPIRED)
        check_expiry(expires_at, now)
        digest = hashlib.sha256(cookie.encode()).hexdigest()
        if not await self._spent.spend(digest, expires_at, now):
            raise InvalidLegacySession(LegacyRefusal.REPLAYED)
        return LegacySession(digest, data, cookie.encode(), expires_at, self._user_key.find(data))

    async def restore(self, session: LegacySession) -> None:
        await self._spent.forget(session.session_id)

    def password_unchanged(self, session: LegacySession, password_hash: str) -> bool:
        return True  # Flask-Login keeps no proof of the password in the session
