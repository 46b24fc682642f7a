"""The legacy-session bridge's settings: `TESSERA_LEGACY_*`, read only from this block.

Off unless `TESSERA_LEGACY_SESSIONS` names the legacy store; every other `TESSERA_LEGACY_*`
variable needs it, so that a half-made configuration is refused instead of silently ignored.
"""

import importlib.util
import string
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from domain.legacy_sessions import UserKeyPath, UserLookup
from entrypoints.environment import PREFIX, ConfigError, Env

_COOKIE_NAME = frozenset(string.ascii_letters + string.digits + "!#$%&'*+-.^_`|~")
"""RFC 6265's cookie-name: an RFC 9110 token."""
_NAMESPACE_OFF = "none"


@dataclass(frozen=True, slots=True)
class LegacyBridgeSettings:
    store_url: str
    """`redis://host:port/db` (or `rediss://`) for Litestar's RedisStore, `file:///dir` for its FileStore."""
    cookie: str = "session"
    """Litestar's default session cookie, as its `namespace` is RedisStore's default key prefix."""
    namespace: str | None = "LITESTAR"
    """RedisStore's key prefix (`<namespace>:<session id>`); None for keys without one."""
    user_key: str | None = None
    """The key path of the user reference in the session object; None for the framework's own."""
    user_lookup: UserLookup = UserLookup.ID
    session_id_bytes: int = 32
    """Litestar's `ServerSideSessionConfig.session_id_bytes`: the id has twice as many hex digits."""

    @property
    def uses_redis(self) -> bool:
        return self.store_url.startswith(("redis://", "rediss://"))

    @property
    def directory(self) -> Path:
        return Path(urlsplit(self.store_url).path)

    def user_key_path(self, framework_default: UserKeyPath) -> UserKeyPath:
        return framework_default if self.user_key is None else UserKeyPath.parse(self.user_key)


def legacy_bridge_from_env(env: Env) -> LegacyBridgeSettings | None:
    store_url = env.text("LEGACY_SESSIONS", "")
    if not store_url:
        for name in ("LEGACY_COOKIE", "LEGACY_NAMESPACE", "LEGACY_USER_KEY", "LEGACY_USER_LOOKUP"):
            if env.text(name, ""):
                raise ConfigError(name, f"has no effect unless {PREFIX}LEGACY_SESSIONS names the legacy store")
        if env.text("LEGACY_SESSION_ID_BYTES", ""):
            raise ConfigError("LEGACY_SESSION_ID_BYTES", f"has no effect unless {PREFIX}LEGACY_SESSIONS is set")
        return None
    _check_store_url(store_url)
    defaults = LegacyBridgeSettings(store_url)
    cookie = _short(env, "LEGACY_COOKIE", defaults.cookie)
    if not set(cookie) <= _COOKIE_NAME:
        raise ConfigError("LEGACY_COOKIE", f"must be a cookie name (letters, digits, !#$%&'*+-.^_`|~), not {cookie!r}")
    namespace = _short(env, "LEGACY_NAMESPACE", "")
    if namespace and not defaults.uses_redis:
        raise ConfigError("LEGACY_NAMESPACE", "applies to redis:// stores only; file:// names the store's directory")
    user_key = _short(env, "LEGACY_USER_KEY", "") or None
    if user_key is not None:
        try:
            UserKeyPath.parse(user_key)
        except ValueError:
            raise ConfigError("LEGACY_USER_KEY", "must be a key, or keys separated by dots (auth.user.id)") from None
    lookup = env.choice("LEGACY_USER_LOOKUP", defaults.user_lookup, tuple(UserLookup))
    return LegacyBridgeSettings(
        store_url=store_url,
        cookie=cookie,
        namespace=None if namespace == _NAMESPACE_OFF else (namespace or defaults.namespace),
        user_key=user_key,
        user_lookup=UserLookup(lookup),
        session_id_bytes=env.integer("LEGACY_SESSION_ID_BYTES", defaults.session_id_bytes, low=8, high=256),
    )


def _short(env: Env, name: str, default: str) -> str:
    """Names and keys of the legacy store, each at most 256 characters."""
    value = env.text(name, default)
    if len(value) > 256:
        raise ConfigError(name, "is longer than 256 characters")
    return value


def _check_store_url(url: str) -> None:
    """Refuses anything but a redis(s):// URL (host, optional port, optional /db) or file:///absolute/dir.
    The URL is never echoed: a Redis URL may carry a password."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise ConfigError("LEGACY_SESSIONS", "is not a valid URL") from None
    if parts.scheme in ("redis", "rediss"):
        database = parts.path.removeprefix("/")
        if not parts.hostname or port == 0 or (database and not database.isdigit()) or parts.fragment:
            raise ConfigError("LEGACY_SESSIONS", "must be redis://host[:port][/db] (or rediss://)")
        if importlib.util.find_spec("redis") is None:
            raise ConfigError("LEGACY_SESSIONS", "a redis:// store needs the Redis client (tessera-auth[legacy-redis])")
        return
    if parts.scheme == "file":
        path = Path(parts.path)
        if parts.netloc not in ("", "localhost") or not path.is_absolute() or parts.query or parts.fragment:
            raise ConfigError("LEGACY_SESSIONS", "must be file:///absolute/path/of/the/FileStore/directory")
        if path.exists() and not path.is_dir():
            raise ConfigError("LEGACY_SESSIONS", f"{path} is not a directory")
        return
    raise ConfigError("LEGACY_SESSIONS", "must be a redis://, rediss:// or file:/// URL of Litestar's session store")
