"""The legacy-session bridge's settings: `TESSERA_LEGACY_*`, read only from this block.

Off unless `TESSERA_LEGACY_SESSIONS` names the legacy store; every other `TESSERA_LEGACY_*`
variable needs it, so that a half-made configuration is refused instead of silently ignored.
"""

import importlib.util
import string
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from domain.legacy_sessions import LegacyBridgePolicy, UserLookup
from entrypoints.environment import PREFIX, ConfigError

_COOKIE_NAME = frozenset(string.ascii_letters + string.digits + "!#$%&'*+-.^_`|~")
"""RFC 6265's cookie-name: an RFC 9110 token."""
_NAMESPACE_OFF = "none"


@dataclass(frozen=True, slots=True)
class LegacyBridgeSettings:
    store_url: str
    """`redis://host:port/db` (or `rediss://`) for Litestar's RedisStore, `file:///dir` for its FileStore."""
    cookie: str = "session"
    namespace: str | None = "LITESTAR"
    """RedisStore's key prefix (`<namespace>:<session id>`); None for keys without one."""
    user_key: str = "user_id"
    user_lookup: UserLookup = UserLookup.ID
    session_id_bytes: int = 32

    @property
    def uses_redis(self) -> bool:
        return self.store_url.startswith(("redis://", "rediss://"))

    @property
    def directory(self) -> Path:
        return Path(urlsplit(self.store_url).path)

    @property
    def policy(self) -> LegacyBridgePolicy:
        return LegacyBridgePolicy(self.user_key, self.user_lookup, self.session_id_bytes)


def legacy_bridge_from_env(environ: Mapping[str, str]) -> LegacyBridgeSettings | None:
    def raw(name: str) -> str | None:
        value = environ.get(PREFIX + name)
        return None if value is None or value.strip() == "" else value.strip()

    store_url = raw("LEGACY_SESSIONS")
    if store_url is None:
        for name in ("LEGACY_COOKIE", "LEGACY_NAMESPACE", "LEGACY_USER_KEY", "LEGACY_USER_LOOKUP"):
            if raw(name) is not None:
                raise ConfigError(name, f"has no effect unless {PREFIX}LEGACY_SESSIONS names the legacy store")
        if raw("LEGACY_SESSION_ID_BYTES") is not None:
            raise ConfigError("LEGACY_SESSION_ID_BYTES", f"has no effect unless {PREFIX}LEGACY_SESSIONS is set")
        return None
    _check_store_url(store_url)
    cookie = raw("LEGACY_COOKIE") or "session"
    if len(cookie) > 256 or not set(cookie) <= _COOKIE_NAME:
        raise ConfigError("LEGACY_COOKIE", f"must be a cookie name (letters, digits, !#$%&'*+-.^_`|~), not {cookie!r}")
    namespace = raw("LEGACY_NAMESPACE")
    if namespace is not None and not store_url.startswith(("redis://", "rediss://")):
        raise ConfigError("LEGACY_NAMESPACE", "applies to redis:// stores only; file:// names the store's directory")
    if namespace is not None and len(namespace) > 256:
        raise ConfigError("LEGACY_NAMESPACE", "is longer than 256 characters")
    user_key = raw("LEGACY_USER_KEY") or "user_id"
    if len(user_key) > 256:
        raise ConfigError("LEGACY_USER_KEY", "is longer than 256 characters")
    lookup = raw("LEGACY_USER_LOOKUP") or "id"
    if lookup not in {item.value for item in UserLookup}:
        raise ConfigError("LEGACY_USER_LOOKUP", f"must be id or email, not {lookup!r}")
    id_bytes = raw("LEGACY_SESSION_ID_BYTES") or "32"
    if not id_bytes.isdigit() or not 8 <= int(id_bytes) <= 256:
        raise ConfigError("LEGACY_SESSION_ID_BYTES", f"must be a whole number between 8 and 256, not {id_bytes!r}")
    return LegacyBridgeSettings(
        store_url=store_url,
        cookie=cookie,
        namespace=None if namespace == _NAMESPACE_OFF else (namespace or "LITESTAR"),
        user_key=user_key,
        user_lookup=UserLookup(lookup),
        session_id_bytes=int(id_bytes),
    )


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
            raise ConfigError("LEGACY_SESSIONS", "a redis:// store needs the Redis client (tessera[legacy-redis])")
        return
    if parts.scheme == "file":
        path = Path(parts.path)
        if parts.netloc not in ("", "localhost") or not path.is_absolute() or parts.query or parts.fragment:
            raise ConfigError("LEGACY_SESSIONS", "must be file:///absolute/path/of/the/FileStore/directory")
        if path.exists() and not path.is_dir():
            raise ConfigError("LEGACY_SESSIONS", f"{path} is not a directory")
        return
    raise ConfigError("LEGACY_SESSIONS", "must be a redis://, rediss:// or file:/// URL of Litestar's session store")
