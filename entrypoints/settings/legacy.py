"""The legacy-session bridge's settings: `TESSERA_LEGACY_*`, read only from this block.

Off unless `TESSERA_LEGACY_SESSIONS` names the legacy framework's session store; every other
`TESSERA_LEGACY_*` variable needs it, so that a half-made configuration is refused instead of
silently ignored. The store is named by one URL whose scheme says the framework and backend
(`LegacyStoreKind`); what each kind needs besides (a secret, a cookie age) is checked here, once.
"""

import importlib.util
import string
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from urllib.parse import urlsplit

from domain.legacy_sessions import UserKeyPath, UserLookup
from entrypoints.settings.environment import PREFIX, ConfigError, Env

_COOKIE_NAME = frozenset(string.ascii_letters + string.digits + "!#$%&'*+-.^_`|~")
"""RFC 6265's cookie-name: an RFC 9110 token."""
_NAMESPACE_OFF = "none"
VARIABLES = (
    *("LEGACY_SESSIONS", "LEGACY_COOKIE", "LEGACY_NAMESPACE", "LEGACY_USER_KEY", "LEGACY_USER_LOOKUP"),
    *("LEGACY_SESSION_ID_BYTES", "LEGACY_SECRET_FILE", "LEGACY_SESSION_AGE_SECONDS", "LEGACY_FILE_PREFIX"),
    "LEGACY_READ_ONLY",
)
"""Every variable `legacy_bridge_from_env` reads."""


class LegacyStoreKind(StrEnum):
    LITESTAR_REDIS = "litestar-redis"
    LITESTAR_FILE = "litestar-file"
    DJANGO_DB = "django-db"
    DJANGO_CACHED_DB = "django-cached-db"
    DJANGO_FILE = "django-file"
    DJANGO_SIGNED_COOKIES = "django-signed-cookies"
    FLASK_COOKIE = "flask-cookie"
    FLASK_SESSION_REDIS = "flask-session"
    EXPRESS_REDIS = "express"
    """express-session on connect-redis: `express+redis://host[:port][/db]`."""

    @property
    def framework(self) -> str:
        return self.value.partition("-")[0]

    @property
    def stateless(self) -> bool:
        return self in (LegacyStoreKind.DJANGO_SIGNED_COOKIES, LegacyStoreKind.FLASK_COOKIE)


ACCEPTED_FORMS = (
    "redis://host[:port][/db] or rediss:// (Litestar's RedisStore), file:///dir (Litestar's FileStore), "
    "django-db+postgresql://…, django-db+mysql://…, django-db+sqlite:////abs/db.sqlite3 (also django-cached-db+…), "
    "django-file:///dir, django-signed-cookies:, flask-cookie:, flask-session+redis://host[:port][/db] (or +rediss://),"
    " express+redis://host[:port][/db] (or +rediss://; express-session on connect-redis)"
)
_COOKIE_DEFAULTS = {"litestar": "session", "django": "sessionid", "flask": "session", "express": "connect.sid"}
_AGE_DEFAULTS = {"django": 1209600, "flask": 2678400}
"""Django's `SESSION_COOKIE_AGE` (two weeks), Flask's `PERMANENT_SESSION_LIFETIME` (31 days)."""
_REDIS_PREFIX_DEFAULTS = {LegacyStoreKind.FLASK_SESSION_REDIS: "session:", LegacyStoreKind.EXPRESS_REDIS: "sess:"}
"""Flask-Session's and connect-redis' default key prefixes, taken verbatim (Litestar's namespace gets a colon)."""
_DJANGO_DATABASES = {"postgresql": "postgresql+asyncpg", "postgres": "postgresql+asyncpg", "sqlite": "sqlite+aiosqlite"}
_DJANGO_DATABASES |= {"mysql": "mysql+asyncmy"}


@dataclass(frozen=True, slots=True)
class LegacyBridgeSettings:
    store_url: str
    """The legacy session store: see `ACCEPTED_FORMS`. Shown by `tessera config` without its password."""
    cookie: str | None = None
    """The legacy session cookie's name; None for the framework's default (`cookie_name`)."""
    namespace: str | None = "LITESTAR"
    """Litestar's RedisStore key prefix (`<namespace>:<id>`), or Flask-Session's or connect-redis' whole key prefix."""
    user_key: str | None = None
    """The key path of the user reference in the session object; None for the framework's own."""
    user_lookup: UserLookup = UserLookup.ID
    session_id_bytes: int = 32
    """Litestar's `ServerSideSessionConfig.session_id_bytes`: the id has twice as many hex digits."""
    secret_file: Path | None = None
    """The legacy app's signing secret (Django's SECRET_KEY then its fallbacks, Flask's SECRET_KEY
    then its fallbacks, express-session's `secret` array in order), one a line. Only the path is kept
    here: the secret is never shown or logged."""
    session_age: int | None = None
    """Django's SESSION_COOKIE_AGE or Flask's PERMANENT_SESSION_LIFETIME, in seconds."""
    file_prefix: str | None = None
    """Django's file backend names files `SESSION_COOKIE_NAME` + key: None for the cookie's name."""
    read_only: bool = False
    """Django's `django_session` is read, never written: exchanged sessions are recorded as spent in
    tessera's database instead of deleted (a read-only database role for the bridge)."""

    @property
    def kind(self) -> LegacyStoreKind:
        scheme = urlsplit(self.store_url).scheme
        if scheme in ("redis", "rediss"):
            return LegacyStoreKind.LITESTAR_REDIS
        if scheme == "file":
            return LegacyStoreKind.LITESTAR_FILE
        return LegacyStoreKind(scheme.partition("+")[0])

    @property
    def uses_redis(self) -> bool:
        return self.kind in (
            LegacyStoreKind.LITESTAR_REDIS,
            LegacyStoreKind.FLASK_SESSION_REDIS,
            LegacyStoreKind.EXPRESS_REDIS,
        )

    @property
    def inner_url(self) -> str:
        """The URL after the kind: `django-db+postgresql://…` -> `postgresql://…`."""
        scheme, plus, rest = self.store_url.partition("+")
        return rest if plus and "://" not in scheme else self.store_url

    @property
    def database_url(self) -> str:
        """Django's database as an SQLAlchemy URL with an asyncio driver."""
        scheme, _, rest = self.inner_url.partition("://")
        return f"{_DJANGO_DATABASES[scheme]}://{rest}"

    @property
    def directory(self) -> Path:
        return Path(urlsplit(self.store_url).path)

    @property
    def cookie_name(self) -> str:
        return self.cookie or _COOKIE_DEFAULTS[self.kind.framework]

    @property
    def cookie_age(self) -> int:
        return self.session_age or _AGE_DEFAULTS.get(self.kind.framework, 0)

    @property
    def django_file_prefix(self) -> str:
        return self.file_prefix or self.cookie_name

    def user_key_path(self, framework_default: UserKeyPath) -> UserKeyPath:
        return framework_default if self.user_key is None else UserKeyPath.parse(self.user_key)


def legacy_bridge_from_env(env: Env) -> LegacyBridgeSettings | None:
    store_url = env.text("LEGACY_SESSIONS", "")
    if not store_url:
        for name in ("LEGACY_COOKIE", "LEGACY_NAMESPACE", "LEGACY_USER_KEY", "LEGACY_USER_LOOKUP"):
            if env.text(name, ""):
                raise ConfigError(name, f"has no effect unless {PREFIX}LEGACY_SESSIONS names the legacy store")
        for name in ("LEGACY_SESSION_ID_BYTES", "LEGACY_SECRET_FILE", "LEGACY_SESSION_AGE_SECONDS", "LEGACY_READ_ONLY"):
            if env.text(name, ""):
                raise ConfigError(name, f"has no effect unless {PREFIX}LEGACY_SESSIONS is set")
        if env.text("LEGACY_FILE_PREFIX", ""):
            raise ConfigError("LEGACY_FILE_PREFIX", f"has no effect unless {PREFIX}LEGACY_SESSIONS is set")
        return None
    kind = _check_store_url(store_url)
    defaults = LegacyBridgeSettings(store_url)
    cookie = _short(env, "LEGACY_COOKIE", "") or None
    if cookie is not None and not set(cookie) <= _COOKIE_NAME:
        raise ConfigError("LEGACY_COOKIE", f"must be a cookie name (letters, digits, !#$%&'*+-.^_`|~), not {cookie!r}")
    namespace = _short(env, "LEGACY_NAMESPACE", "")
    if namespace and not defaults.uses_redis:
        raise ConfigError("LEGACY_NAMESPACE", "applies to redis://, flask-session+redis:// and express+redis:// only")
    default_namespace = _REDIS_PREFIX_DEFAULTS.get(kind, defaults.namespace)
    user_key = _short(env, "LEGACY_USER_KEY", "") or None
    if user_key is not None:
        try:
            UserKeyPath.parse(user_key)
        except ValueError:
            raise ConfigError("LEGACY_USER_KEY", "must be a key, or keys separated by dots (auth.user.id)") from None
    default_lookup = UserLookup.ID if kind.framework == "litestar" else UserLookup.LEGACY_ID
    lookup = env.choice("LEGACY_USER_LOOKUP", default_lookup, tuple(UserLookup))
    if env.text("LEGACY_SESSION_ID_BYTES", "") and kind.framework != "litestar":
        raise ConfigError("LEGACY_SESSION_ID_BYTES", "applies to Litestar's stores (redis://, file://) only")
    file_prefix = _short(env, "LEGACY_FILE_PREFIX", "") or None
    if file_prefix is not None and kind is not LegacyStoreKind.DJANGO_FILE:
        raise ConfigError("LEGACY_FILE_PREFIX", "applies to django-file:// stores only")
    read_only = env.choice("LEGACY_READ_ONLY", "false", ("true", "false")) == "true"
    if read_only and kind not in (LegacyStoreKind.DJANGO_DB, LegacyStoreKind.DJANGO_CACHED_DB):
        raise ConfigError("LEGACY_READ_ONLY", "applies to django-db+ and django-cached-db+ stores only")
    age = None
    if kind.framework not in ("litestar", "express"):
        age = env.integer("LEGACY_SESSION_AGE_SECONDS", defaults.cookie_age, low=60, high=10 * 366 * 86400)
    elif env.text("LEGACY_SESSION_AGE_SECONDS", ""):
        raise ConfigError(
            "LEGACY_SESSION_AGE_SECONDS",
            "applies to Django's and Flask's stores only (Litestar's and Express's sessions carry their expiry)",
        )
    return LegacyBridgeSettings(
        store_url=store_url,
        cookie=cookie,
        namespace=None if namespace == _NAMESPACE_OFF else (namespace or default_namespace),
        user_key=user_key,
        user_lookup=UserLookup(lookup),
        session_id_bytes=env.integer("LEGACY_SESSION_ID_BYTES", defaults.session_id_bytes, low=8, high=256),
        secret_file=_secret_file(env, kind),
        session_age=age,
        file_prefix=file_prefix,
        read_only=read_only,
    )


def _short(env: Env, name: str, default: str) -> str:
    """Names and keys of the legacy store, each at most 256 characters."""
    value = env.text(name, default)
    if len(value) > 256:
        raise ConfigError(name, "is longer than 256 characters")
    return value


def _secret_file(env: Env, kind: LegacyStoreKind) -> Path | None:
    """Required where sessions are signed (Django's, Flask's cookie); optional for Flask-Session,
    where it means `SESSION_USE_SIGNER`. Read once here so that a missing or empty file stops
    start-up; its content is never echoed."""
    path = env.path("LEGACY_SECRET_FILE")
    if path is None:
        if kind.framework in ("django", "express") or kind is LegacyStoreKind.FLASK_COOKIE:
            what = "express-session's secret, one a line" if kind.framework == "express" else "the app's SECRET_KEY"
            raise ConfigError("LEGACY_SECRET_FILE", f"is required for {kind}: the file holding {what}")
        return None
    if kind.framework == "litestar":
        raise ConfigError("LEGACY_SECRET_FILE", "applies to Django's and Flask's stores only (Litestar signs nothing)")
    try:
        text = path.read_text()
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(
            "LEGACY_SECRET_FILE", f"cannot read {path}: {getattr(error, 'strerror', None) or error}"
        ) from None
    if not text.strip():
        raise ConfigError("LEGACY_SECRET_FILE", f"{path} is empty: it must hold the SECRET_KEY on its first line")
    return path


def _check_store_url(url: str) -> LegacyStoreKind:
    """The kind of store the URL names, or a ConfigError listing the accepted forms. The URL is never
    echoed: it may carry a password."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise ConfigError("LEGACY_SESSIONS", f"is not a valid URL; accepted: {ACCEPTED_FORMS}") from None
    kind_name, plus, inner = parts.scheme.partition("+")
    redis_kinds = (LegacyStoreKind.FLASK_SESSION_REDIS, LegacyStoreKind.EXPRESS_REDIS)
    if parts.scheme in ("redis", "rediss") or (kind_name in redis_kinds and plus):
        database = parts.path.removeprefix("/")
        if inner not in ("", "redis", "rediss") or not parts.hostname or port == 0 or parts.fragment:
            raise ConfigError("LEGACY_SESSIONS", f"must be redis://host[:port][/db]; accepted: {ACCEPTED_FORMS}")
        if database and not database.isdigit():
            raise ConfigError("LEGACY_SESSIONS", "must be redis://host[:port][/db] (or rediss://): db is a number")
        if importlib.util.find_spec("redis") is None:
            raise ConfigError("LEGACY_SESSIONS", "a redis:// store needs the Redis client (tessera-auth[legacy-redis])")
        return LegacyStoreKind(kind_name) if plus else LegacyStoreKind.LITESTAR_REDIS
    if parts.scheme in ("file", LegacyStoreKind.DJANGO_FILE):
        _check_directory(parts.netloc, parts.path, parts.query or parts.fragment)
        return LegacyStoreKind.LITESTAR_FILE if parts.scheme == "file" else LegacyStoreKind.DJANGO_FILE
    if kind_name in (LegacyStoreKind.DJANGO_DB, LegacyStoreKind.DJANGO_CACHED_DB) and plus:
        if inner not in _DJANGO_DATABASES or (inner != "sqlite" and not parts.hostname) or parts.fragment:
            raise ConfigError(
                "LEGACY_SESSIONS",
                f"{kind_name}+ takes a postgresql://, mysql:// or sqlite:////abs/path URL of Django's database",
            )
        if inner == "sqlite" and not parts.path.startswith("//"):
            raise ConfigError(
                "LEGACY_SESSIONS", f"{kind_name}+sqlite takes an absolute path: {kind_name}+sqlite:////abs/db.sqlite3"
            )
        if inner == "mysql" and importlib.util.find_spec("asyncmy") is None:
            raise ConfigError(
                "LEGACY_SESSIONS", "a MySQL database needs its driver, asyncmy (tessera-auth[legacy-mysql])"
            )
        return LegacyStoreKind(kind_name)
    if (
        parts.scheme in (LegacyStoreKind.DJANGO_SIGNED_COOKIES, LegacyStoreKind.FLASK_COOKIE)
        and url == f"{parts.scheme}:"
    ):
        return LegacyStoreKind(parts.scheme)
    raise ConfigError("LEGACY_SESSIONS", f"names no supported session store; accepted: {ACCEPTED_FORMS}")


def _check_directory(netloc: str, path_text: str, extra: str) -> None:
    path = Path(path_text)
    if netloc not in ("", "localhost") or not path.is_absolute() or extra:
        raise ConfigError(
            "LEGACY_SESSIONS", "a file store must be file:///absolute/dir (or django-file:///absolute/dir)"
        )
    if path.exists() and not path.is_dir():
        raise ConfigError("LEGACY_SESSIONS", f"{path} is not a directory")
