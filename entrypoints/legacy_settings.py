"""The legacy-session bridge's settings: `TESSERA_LEGACY_*`, read only from this block.

Off unless `TESSERA_LEGACY_SESSIONS` names the legacy store; every other `TESSERA_LEGACY_*`
variable needs it, so that a half-made configuration is refused instead of silently ignored.
"""

import importlib.util
import string
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from domain.legacy_sessions import UserKeyPath, UserLookup
from entrypoints.environment import PREFIX, ConfigError, Env

_COOKIE_NAME = frozenset(string.ascii_letters + string.digits + "!#$%&'*+-.^_`|~")
"""RFC 6265's cookie-name: an RFC 9110 token."""
_NAMESPACE_OFF = "none"
EXPRESS = "express"
"""The framework named before `+` in `TESSERA_LEGACY_SESSIONS` (`express+redis://…`); none is Litestar."""
_EXPRESS_COOKIE, _EXPRESS_KEY_PREFIX = "connect.sid", "sess:"
"""express-session's default cookie name and connect-redis' default key prefix."""
MAX_SECRETS = 32


@dataclass(frozen=True, slots=True)
class LegacyBridgeSettings:
    store_url: str
    """`redis://host:port/db` (or `rediss://`) for Litestar's RedisStore, `file:///dir` for its FileStore;
    `express+redis://host:port/db` for express-session on connect-redis."""
    cookie: str = "session"
    """Litestar's default session cookie, as its `namespace` is RedisStore's default key prefix."""
    namespace: str | None = "LITESTAR"
    """RedisStore's key prefix (`<namespace>:<session id>`); None for keys without one."""
    user_key: str | None = None
    """The key path of the user reference in the session object; None for the framework's own."""
    user_lookup: UserLookup = UserLookup.ID
    session_id_bytes: int = 32
    """Litestar's `ServerSideSessionConfig.session_id_bytes`: the id has twice as many hex digits."""
    key_prefix: str = _EXPRESS_KEY_PREFIX
    """Express only: connect-redis' `prefix`, verbatim (`<prefix><session id>`)."""
    secrets: tuple[bytes, ...] = field(default=(), repr=False)
    """Express only: express-session's secrets (UTF-8), the one that signs now first; any verifies."""

    @property
    def framework(self) -> str:
        framework, plus, _ = urlsplit(self.store_url).scheme.rpartition("+")
        return framework if plus else "litestar"

    @property
    def store(self) -> str:
        """The store's own URL: `TESSERA_LEGACY_SESSIONS` without the framework's name."""
        return self.store_url.split("+", 1)[1] if self.framework != "litestar" else self.store_url

    @property
    def uses_redis(self) -> bool:
        return self.store.startswith(("redis://", "rediss://"))

    @property
    def directory(self) -> Path:
        return Path(urlsplit(self.store).path)

    def user_key_path(self, framework_default: UserKeyPath) -> UserKeyPath:
        return framework_default if self.user_key is None else UserKeyPath.parse(self.user_key)


def legacy_bridge_from_env(env: Env) -> LegacyBridgeSettings | None:
    store_url = env.text("LEGACY_SESSIONS", "")
    if not store_url:
        for name in ("LEGACY_COOKIE", "LEGACY_NAMESPACE", "LEGACY_USER_KEY", "LEGACY_USER_LOOKUP", "LEGACY_KEY_PREFIX"):
            if env.text(name, ""):
                raise ConfigError(name, f"has no effect unless {PREFIX}LEGACY_SESSIONS names the legacy store")
        if env.text("LEGACY_SESSION_ID_BYTES", ""):
            raise ConfigError("LEGACY_SESSION_ID_BYTES", f"has no effect unless {PREFIX}LEGACY_SESSIONS is set")
        if env.text("LEGACY_SECRETS_FILE", ""):
            raise ConfigError("LEGACY_SECRETS_FILE", f"has no effect unless {PREFIX}LEGACY_SESSIONS is set")
        return None
    _check_store_url(store_url)
    defaults = LegacyBridgeSettings(store_url)
    if defaults.framework == EXPRESS:
        return _express_bridge(env, defaults)
    for name in ("LEGACY_KEY_PREFIX", "LEGACY_SECRETS_FILE"):
        if env.text(name, ""):
            raise ConfigError(name, "applies to express+redis:// only (Litestar's session ids are not signed)")
    cookie = _cookie_name(env, defaults.cookie)
    namespace = _short(env, "LEGACY_NAMESPACE", "")
    if namespace and not defaults.uses_redis:
        raise ConfigError("LEGACY_NAMESPACE", "applies to redis:// stores only; file:// names the store's directory")
    user_key = _user_key(env)
    lookup = env.choice("LEGACY_USER_LOOKUP", defaults.user_lookup, tuple(UserLookup))
    return LegacyBridgeSettings(
        store_url=store_url,
        cookie=cookie,
        namespace=None if namespace == _NAMESPACE_OFF else (namespace or defaults.namespace),
        user_key=user_key,
        user_lookup=UserLookup(lookup),
        session_id_bytes=env.integer("LEGACY_SESSION_ID_BYTES", defaults.session_id_bytes, low=8, high=256),
    )


def _express_bridge(env: Env, defaults: LegacyBridgeSettings) -> LegacyBridgeSettings:
    """express-session on connect-redis: its cookie name, connect-redis' key prefix, and the secrets."""
    for name in ("LEGACY_NAMESPACE", "LEGACY_SESSION_ID_BYTES"):
        if env.text(name, ""):
            hint = (
                "LEGACY_KEY_PREFIX for connect-redis' prefix" if name == "LEGACY_NAMESPACE" else "the cookie is signed"
            )
            raise ConfigError(name, f"applies to Litestar's stores only ({hint})")
    return LegacyBridgeSettings(
        store_url=defaults.store_url,
        cookie=_cookie_name(env, _EXPRESS_COOKIE),
        user_key=_user_key(env),
        user_lookup=UserLookup(env.choice("LEGACY_USER_LOOKUP", defaults.user_lookup, tuple(UserLookup))),
        key_prefix=_key_prefix(env),
        secrets=_secrets(env),
    )


def _key_prefix(env: Env) -> str:
    """connect-redis' `prefix`, verbatim; `none` for keys that are the bare session id (`prefix: ""`)."""
    prefix = _short(env, "LEGACY_KEY_PREFIX", _EXPRESS_KEY_PREFIX)
    return "" if prefix == _NAMESPACE_OFF else prefix


def _secrets(env: Env) -> tuple[bytes, ...]:
    """`TESSERA_LEGACY_SECRETS_FILE`: express-session's secrets, one a line (blank lines skipped), in the
    order of its `secret` array. Read at start-up so that a missing or empty file stops it, named."""
    name = "LEGACY_SECRETS_FILE"
    path = env.path(name)
    if path is None:
        raise ConfigError(name, "is required for express+redis:// (express-session's secret, one a line)")
    try:
        text = path.read_bytes().decode()
    except OSError as error:
        raise ConfigError(name, f"cannot read {path}: {error.strerror}") from None
    except UnicodeDecodeError:
        raise ConfigError(name, f"{path} is not UTF-8 text") from None
    secrets = tuple(line.encode() for line in text.splitlines() if line.strip())
    if not secrets:
        raise ConfigError(name, f"{path} holds no secret (one a line)")
    if len(secrets) > MAX_SECRETS:
        raise ConfigError(name, f"{path} holds more than {MAX_SECRETS} secrets")
    return secrets


def _cookie_name(env: Env, default: str) -> str:
    cookie = _short(env, "LEGACY_COOKIE", default)
    if not set(cookie) <= _COOKIE_NAME:
        raise ConfigError("LEGACY_COOKIE", f"must be a cookie name (letters, digits, !#$%&'*+-.^_`|~), not {cookie!r}")
    return cookie


def _user_key(env: Env) -> str | None:
    user_key = _short(env, "LEGACY_USER_KEY", "") or None
    if user_key is not None:
        try:
            UserKeyPath.parse(user_key)
        except ValueError:
            raise ConfigError("LEGACY_USER_KEY", "must be a key, or keys separated by dots (auth.user.id)") from None
    return user_key


def _short(env: Env, name: str, default: str) -> str:
    """Names and keys of the legacy store, each at most 256 characters."""
    value = env.text(name, default)
    if len(value) > 256:
        raise ConfigError(name, "is longer than 256 characters")
    return value


def _check_store_url(url: str) -> None:
    """Refuses anything but a redis(s):// URL (host, optional port, optional /db), the same after
    `express+` (express-session on connect-redis), or file:///absolute/dir.
    The URL is never echoed: a Redis URL may carry a password."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise ConfigError("LEGACY_SESSIONS", "is not a valid URL") from None
    framework, plus, store = parts.scheme.rpartition("+")
    if plus and (framework != EXPRESS or store not in ("redis", "rediss")):
        raise ConfigError(
            "LEGACY_SESSIONS", "names no bridged framework and store (express+redis://, express+rediss://)"
        )
    if parts.scheme in ("redis", "rediss", "express+redis", "express+rediss"):
        database = parts.path.removeprefix("/")
        if not parts.hostname or port == 0 or (database and not database.isdigit()) or parts.fragment:
            raise ConfigError("LEGACY_SESSIONS", f"must be {parts.scheme}://host[:port][/db]")
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
    raise ConfigError(
        "LEGACY_SESSIONS",
        "must be a redis://, rediss:// or file:/// URL of Litestar's session store, or express+redis://",
    )
