"""Sessions of Flask-Session (0.8) on Redis: the cookie holds the session id (`secrets.token_urlsafe`,
or `<sid>.<signature>` with `SESSION_USE_SIGNER`, see flask_signing.py), the session lives at
`SESSION_KEY_PREFIX` + sid ("session:" by default), serialised by msgspec as MessagePack (the
default `SESSION_SERIALIZATION_FORMAT`) or JSON, with a TTL of `PERMANENT_SESSION_LIFETIME`.
Flask-Session still falls back to unpickling a value neither decoder reads; tessera refuses it
as `pickled` instead. Taking runs Litestar's Redis adapter's script (GET, PTTL, DEL at once)."""

import string

import msgspec
from redis.asyncio import Redis

from adapters.legacy.flask_signing import FLASK_SESSION_SALT, unsign
from adapters.legacy.redis_legacy_sessions import TAKE_SCRIPT, UNREACHABLE, take_value
from application.errors import StorageUnavailable
from application.ports.clock import Clock
from application.ports.legacy_sessions import LegacySessions
from domain.errors import InvalidLegacySession, LegacyRefusal, MalformedLegacySessionCookie
from domain.legacy_sessions import LegacySession, UserKeyPath

_SID = frozenset(string.ascii_letters + string.digits + "-_")
_PICKLE_PROTOCOL_2_OR_LATER = b"\x80"


class FlaskSessionRedisLegacySessions(LegacySessions):
    def __init__(
        self, client: "Redis", key_prefix: str, signer_secrets: tuple[bytes, ...], user_key: UserKeyPath, clock: Clock
    ) -> None:
        self._client = client
        self._prefix = key_prefix
        self._signer_secrets = signer_secrets
        self._user_key = user_key
        self._take = client.register_script(TAKE_SCRIPT)
        self._clock = clock

    def session_id_of(self, cookie: str) -> str:
        """The session id; with `SESSION_USE_SIGNER` (a secret configured) only if its signature verifies."""
        if self._signer_secrets:
            if not cookie.isascii():
                raise MalformedLegacySessionCookie
            cookie = unsign(cookie.encode(), FLASK_SESSION_SALT, self._signer_secrets).decode()
        if not 16 <= len(cookie) <= 256 or not set(cookie) <= _SID:
            raise MalformedLegacySessionCookie
        return cookie

    async def take(self, cookie: str) -> LegacySession:
        sid = self.session_id_of(cookie)
        value, expires_at = await take_value(self._take, self._prefix + sid, self._clock.now())
        data = _decoded(value)
        return LegacySession(sid, data, value, expires_at, self._user_key.find(data))

    async def restore(self, session: LegacySession) -> None:
        lifetime = None
        if session.expires_at is not None:
            lifetime = int((session.expires_at - self._clock.now()).total_seconds() * 1000)
            if lifetime <= 0:
                return
        try:
            await self._client.set(self._prefix + session.session_id, session.stored, px=lifetime, nx=True)
        except UNREACHABLE as error:
            raise StorageUnavailable from error

    def password_unchanged(self, session: LegacySession, password_hash: str) -> bool:
        return True  # Flask-Login keeps no proof of the password in the session


def _decoded(value: bytes) -> dict[str, object]:
    """MessagePack, else JSON, as Flask-Session's `MsgSpecSerializer.decode` tries them; never pickle."""
    for decoder in (msgspec.msgpack.decode, msgspec.json.decode):
        try:
            data = decoder(value)
        except msgspec.DecodeError:
            continue
        except RecursionError:  # nested deeper than msgspec reads: refused, not a crash
            raise InvalidLegacySession(LegacyRefusal.UNREADABLE) from None
        if isinstance(data, dict):
            return data
        raise InvalidLegacySession(LegacyRefusal.UNREADABLE)
    if value.startswith(_PICKLE_PROTOCOL_2_OR_LATER):
        raise InvalidLegacySession(LegacyRefusal.PICKLED)
    raise InvalidLegacySession(LegacyRefusal.UNREADABLE)
